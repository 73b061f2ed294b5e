"""The server-rendered web UI (Django templates + htmx): thin views that parse, call a service, render."""
