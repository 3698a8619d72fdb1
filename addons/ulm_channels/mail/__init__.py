"""The e-mail gateway: receive (``intake`` with ``parse``, ``text``, ``classify``, ``thread``;
fed by ``imap`` and ``sources``; ``quarantine`` for staff's decisions) and send (``outbound``
composes, ``outbox`` records, ``delivery`` and ``smtp`` deliver, ``backend`` is Django's way
in). The addon's README has one line per module.
"""
