"""The e-mail gateway: parse, classify, thread, store, fetch and send (see the addon's README).

Modules: ``parse`` (bytes → ``ParsedMail``), ``text`` (charsets, HTML, quotes, titles),
``classify`` (auto-reply, bounce, spam), ``intake`` (the pipeline every source runs),
``sources`` (files, mbox, Maildir), ``imap`` (mailboxes) and ``outbound`` (SMTP).
"""
