# SPDX-License-Identifier: GPL-2.0-only
# A student's shell finds zmap (/usr/sbin) as root's does: Debian's
# /etc/profile leaves the sbin directories out of a user's PATH.
case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;;
esac
