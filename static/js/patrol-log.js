// The patrol log on a phone (patrols/templates/patrols/log_detail.html), tolerant of a
// dropped connection:
// - what is typed into the route and observations is kept on the phone as it is typed,
//   and put back if the page is opened again before it was sent;
// - every form marked data-queue is not posted directly: the change goes into a queue
//   on the phone with a fresh idempotency key and the time it was made, and the queue
//   is sent in order whenever the network allows. A change the server already has (a
//   retry after a lost answer) is recognised by its key and not added twice
//   (patrols/logbook.py).
// Without JavaScript the same forms post normally.
(function () {
  "use strict";

  var body = document.getElementById("patrol-log-body");
  if (!body || !window.localStorage || !window.fetch) {
    return;
  }
  var logId = body.dataset.log;
  var queueKey = "tuquan-patrol-queue:" + logId;
  var draftPrefix = "tuquan-patrol-draft:" + logId + ":";
  var status = document.getElementById("queue-status");
  var list = document.getElementById("queue-list");
  var sending = false;
  var retryTimer = null;

  function uuid4() {
    // crypto.randomUUID needs a secure context; getRandomValues does not.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function readQueue() {
    try {
      return JSON.parse(localStorage.getItem(queueKey) || "[]");
    } catch (error) {
      return [];
    }
  }

  function writeQueue(queue) {
    if (queue.length) {
      localStorage.setItem(queueKey, JSON.stringify(queue));
    } else {
      localStorage.removeItem(queueKey);
    }
    show(queue);
  }

  function say(text) {
    status.hidden = !text;
    status.textContent = text;
  }

  function show(queue, note) {
    list.textContent = "";
    queue.forEach(function (item) {
      var entry = document.createElement("li");
      entry.textContent = item.label;
      list.appendChild(entry);
    });
    if (note) {
      say(note);
    } else if (queue.length) {
      say(status.dataset.waiting);
    } else {
      say("");
    }
  }

  // Drafts ----------------------------------------------------------------------

  function restoreDrafts() {
    document.querySelectorAll("#patrol-log-body [data-draft]").forEach(function (field) {
      var kept = localStorage.getItem(draftPrefix + field.dataset.draft);
      if (kept !== null && kept !== field.value) {
        field.value = kept;
      }
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.dataset && field.dataset.draft && field.closest("#patrol-log-body")) {
      localStorage.setItem(draftPrefix + field.dataset.draft, field.value);
    }
  });

  function forgetSentDrafts(item) {
    item.fields.forEach(function (pair) {
      var key = draftPrefix + pair[0];
      // Only if nothing more was typed since this was sent.
      if (localStorage.getItem(key) === pair[1]) {
        localStorage.removeItem(key);
      }
    });
  }

  // The queue -------------------------------------------------------------------

  function position() {
    return new Promise(function (resolve) {
      if (!("geolocation" in navigator)) {
        resolve(null);
        return;
      }
      navigator.geolocation.getCurrentPosition(
        function (found) {
          resolve(found.coords);
        },
        function () {
          resolve(null);
        },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
      );
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("#patrol-log-body form[data-queue]")) {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    data.set("key", uuid4());
    data.set("at", new Date().toISOString());
    var geo = form.querySelector("[data-geo]");
    var ready = geo && geo.checked ? position() : Promise.resolve(null);
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    ready.then(function (coords) {
      if (coords) {
        data.set("latitude", coords.latitude.toFixed(6));
        data.set("longitude", coords.longitude.toFixed(6));
      }
      var queue = readQueue();
      queue.push({ url: form.action, label: form.dataset.queue, fields: Array.from(data.entries()) });
      writeQueue(queue);
      if (button) {
        button.disabled = false;
      }
      form.querySelectorAll("input[type=text][name=note]").forEach(function (input) {
        input.value = "";
      });
      send();
    });
  });

  function replaceBody(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#patrol-log-body");
    var current = document.getElementById("patrol-log-body");
    if (fresh && current) {
      current.replaceWith(fresh);
      restoreDrafts();
      showGeo();
    }
  }

  function later() {
    if (retryTimer === null) {
      retryTimer = window.setTimeout(function () {
        retryTimer = null;
        send();
      }, 15000);
    }
  }

  function send() {
    if (sending) {
      return;
    }
    var queue = readQueue();
    if (!queue.length) {
      show(queue);
      return;
    }
    sending = true;
    show(queue, status.dataset.sending);
    var item = queue[0];
    fetch(item.url, {
      method: "POST",
      body: new URLSearchParams(item.fields),
      headers: { "X-Patrol-Log": "1" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          // Signed out (the sign-in page) or refused: keep everything, ask to sign in.
          sending = false;
          show(readQueue(), status.dataset.signin);
          return null;
        }
        if (response.status >= 500) {
          throw new Error("server error " + response.status);
        }
        return response.text().then(function (html) {
          var rest = readQueue().slice(1);
          writeQueue(rest);
          if (response.ok) {
            forgetSentDrafts(item);
          }
          replaceBody(html);
          sending = false;
          if (!response.ok) {
            // Refused for good (400): the reason is in the page now.
            show(rest, status.dataset.refused + " " + item.label);
          }
          if (rest.length) {
            send();
          } else if (response.ok) {
            say(status.dataset.sent);
          }
        });
      })
      .catch(function () {
        // No network (or the server is down): try again when it is back.
        sending = false;
        show(readQueue());
        later();
      });
  }

  function showGeo() {
    if ("geolocation" in navigator) {
      document.querySelectorAll("#patrol-log-body label.geo").forEach(function (label) {
        label.hidden = false;
      });
    }
  }

  window.addEventListener("online", send);
  restoreDrafts();
  showGeo();
  show(readQueue());
  send();
})();
