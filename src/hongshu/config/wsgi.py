import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
# Read by the settings: a web process's database connections get the web statement timeout.
os.environ.setdefault("HONGSHU_PROCESS", "web")
application = get_wsgi_application()


def _warm_language_data() -> None:
    """Load jieba, OpenCC, CC-CEDICT, lingua, the spelling dictionary and screening's data now: gunicorn
    imports this module with --preload before it forks, so every worker shares one copy instead of loading
    ~450 MB each on its first request."""
    from hongshu.screening import bursts, links
    from hongshu.search import spelling
    from hongshu.textlib import aliases, cedict, chinese
    from hongshu.textlib.detection import detector

    chinese.warm()
    cedict.warm()
    aliases.warm()
    detector()
    spelling.warm()
    links.warm()  # the public suffix list
    bursts.warm()


_warm_language_data()
