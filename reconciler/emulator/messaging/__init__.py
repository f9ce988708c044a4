"""Amazon Chime SDK messaging and identity (``chime-sdk-messaging``, ``chime-sdk-identity``)
in the emulator: app instances, their users, bots and admins, channels with DEFAULT and
HIDDEN memberships, moderators and bans, the ``x-amz-chime-bearer`` rules and AWS's rate
quotas. State and operations (``models``) are kept apart from HTTP (``urls``,
``responses``), as for the rooms API; ``service.MessagingService`` plugs it into the app.
"""
