"""Access: roles, the one policy (role -> actions, fields, scope) and its checks."""
