// The dashboard's trends (dashboard/templates/dashboard/_trends.html): each
// <figure data-trend-url> fetches its table as JSON, draws it with Chart.js and
// writes the same rows into the figure's <table>, the alternative for screen
// readers and for copying numbers. Without Chart.js the tables still fill.
// Text comes from data- attributes, so the template translates it; nothing
// from the data is parsed as HTML.
(function () {
  "use strict";

  // Beyond this many rows a chart is unreadable, above all on a phone.
  var MOST_ROWS_DRAWN = 40;

  function start() {
    var texts = document.querySelector(".trend-texts");
    if (!texts) {
      return;
    }
    var language = document.documentElement.lang || "vi";
    document.querySelectorAll("figure[data-trend-url]").forEach(function (figure) {
      load(figure, texts.dataset, language);
    });
  }

  function load(figure, text, language) {
    var status = figure.querySelector(".trend-status");
    fetch(figure.dataset.trendUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (table) {
        fillTable(figure, table, text, language);
        if (table.rows.length === 0) {
          status.textContent = text.empty;
          return;
        }
        if (!table.chart || !window.Chart) {
          status.hidden = true;
          figure.querySelector("details").open = true;
          return;
        }
        if (table.rows.length > MOST_ROWS_DRAWN) {
          status.textContent = text.tooMany;
          figure.querySelector("details").open = true;
          return;
        }
        status.hidden = true;
        draw(figure, table, language);
      })
      .catch(function () {
        status.textContent = text.failed;
        status.setAttribute("role", "alert");
      });
  }

  function formatted(value, language, noValue) {
    if (value === null || value === undefined) {
      return noValue;
    }
    if (typeof value === "number") {
      return value.toLocaleString(language);
    }
    return String(value);
  }

  function fillTable(figure, table, text, language) {
    var details = figure.querySelector("details");
    var head = details.querySelector("thead");
    var body = details.querySelector("tbody");
    var headRow = document.createElement("tr");
    table.columns.forEach(function (column) {
      var cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = column;
      headRow.appendChild(cell);
    });
    head.replaceChildren(headRow);
    body.replaceChildren.apply(
      body,
      table.rows.map(function (row) {
        var line = document.createElement("tr");
        row.forEach(function (value, index) {
          var cell = document.createElement(index === 0 ? "th" : "td");
          if (index === 0) {
            cell.scope = "row";
          }
          if (typeof value === "number" || value === null) {
            cell.className = "numeric";
          }
          cell.textContent = formatted(value, language, text.noValue);
          line.appendChild(cell);
        });
        return line;
      })
    );
    details.hidden = false;
  }

  function draw(figure, table, language) {
    var holder = figure.querySelector(".trend-chart");
    var canvas = holder.querySelector("canvas");
    var labels = table.rows.map(function (row) {
      return String(row[0]);
    });
    var datasets = table.series.map(function (index) {
      return {
        label: table.columns[index],
        data: table.rows.map(function (row) {
          return row[index];
        }),
        spanGaps: false,
      };
    });
    holder.hidden = false;
    canvas.setAttribute("aria-label", table.title + ": " + table.columns.join(", "));
    new window.Chart(canvas, {
      type: table.chart,
      data: { labels: labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        locale: language,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom" } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
