"""The editors' admin: one site (``site``) with content, publishing, history, outcome dashboards
and the content check. The site registers its own ModelAdmins, so this package has no side effects.
"""
