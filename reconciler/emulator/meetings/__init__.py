"""The emulator's ``chime-sdk-meetings`` service: meetings and their attendees.

Laid out as the rooms API is: ``models`` (state and operations, no HTTP), ``responses``
(parameters in, serialisation out), ``urls`` (routes as data), ``seed`` (the ``meetings:``
section of a seed document), ``admin`` (``/_emulator/meetings/...``).
"""
