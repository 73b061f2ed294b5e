"""The API router. Each app that has an API module registers its routes here."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

# Apps own their API modules; each exposes ``register(router)``.
for module in ("muster.api.views", "muster.screening.api"):
    try:
        mod = import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        continue
    mod.register(router)

urlpatterns = router.urls
