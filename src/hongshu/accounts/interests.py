"""What a newcomer can say they are interested in, to start their Explore feed."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Newcomers' interests: a fixed bilingual list (key, English label; the catalog gives 旅行, 美食, …).
INTERESTS: list[tuple[str, str | Promise]] = [
    ("travel", _("Travel")),
    ("food", _("Food")),
    ("beauty", _("Beauty")),
    ("fashion", _("Fashion")),
    ("study", _("Study")),
    ("pets", _("Pets")),
    ("fitness", _("Fitness")),
    ("home", _("Home")),
    ("photography", _("Photography")),
    ("outdoors", _("Outdoors")),
]
