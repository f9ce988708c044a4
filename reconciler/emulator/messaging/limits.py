"""AWS's documented resource limits of Chime SDK messaging and identity (the quota page;
``../shared/CHIME_SDK.md``), and the page size of every messaging and identity list."""

from __future__ import annotations

from reconciler.emulator.paging import PageLimit

MAX_MEMBERS_PER_CHANNEL = 10_000
MAX_MODERATORS_PER_CHANNEL = 1_000
MAX_MEMBERSHIPS_PER_USER = 20_000
MAX_USERS_PER_APP_INSTANCE = 100_000
MAX_ADMINS_PER_APP_INSTANCE = 100
MAX_BATCH_MEMBERS = 100  # BatchCreateChannelMembership MemberArns: 1-100
MAX_CREATE_CHANNEL_MEMBERS = 10  # CreateChannel MemberArns and ModeratorArns: 1-10

# Every messaging and identity list: MaxResults 1-50 (botocore). AWS documents no default;
# the emulator uses the maximum, as it does for the rooms API.
PAGE = PageLimit(1, 50, 50)
