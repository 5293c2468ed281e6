"""The Gradio web UI, an edge like the command line: the only package that imports gradio.

``app`` builds the page and its API (``/ask``, ``/articles``, ...), ``actions`` holds the event
handlers, ``render`` the HTML of answers and articles, ``library`` the articles a user added.
It turns ``FootnoteError`` into ``gr.Error``; it does not answer questions itself.
"""

# ``from assistant.ui import build_app`` works without importing gradio for ``ui.render``.
_APP = ("EXAMPLES", "build_app", "default_factory", "launch", "main")


def __getattr__(name: str):
    if name in _APP:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = list(_APP)
