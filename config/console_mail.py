"""The development mail backend (EMAIL_URL=consolemail://, the default).

Django's console backend prints the message as it would go over the wire: a
Vietnamese subject as an encoded word (=?utf-8?b?...?=) and the body in
base64 or quoted-printable, which nobody can read in the worker's output. This
one prints the same message decoded: the headers that matter, the subject and
the body as text, and the names of alternatives and attachments.
"""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

RULE = "-" * 79


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
        ]
        if message.cc:
            lines.append(f"Cc: {', '.join(message.cc)}")
        if message.reply_to:
            lines.append(f"Reply-To: {', '.join(message.reply_to)}")
        lines += [f"Subject: {message.subject}", "", message.body]
        for alternative in getattr(message, "alternatives", []):
            lines.append(f"[alternative part: {alternative[1]}]")
        for attachment in message.attachments:
            name = getattr(attachment, "filename", None) or _attachment_name(attachment)
            lines.append(f"[attachment: {name}]")
        self.stream.write("\n".join(lines) + "\n" + RULE + "\n")


def _attachment_name(attachment) -> str:
    # A MIMEBase part, or a (filename, content, mimetype) tuple.
    if isinstance(attachment, tuple):
        return str(attachment[0])
    return attachment.get_filename() or attachment.get_content_type()
