"""Extensions, created unbound and bound to an app in `create_app`."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from core.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
#: Translations and the formats of each language (bound by core.i18n, which picks the language).
babel = Babel()


def _no_default_bucket() -> str:
    # Flask-Limiter wants a default key function. Its usual one reads the client
    # address, which Leverage never uses; every limit here names its own key.
    return "unkeyed"


#: Rate limits; each limit names its own key where it is declared.
limiter = Limiter(key_func=_no_default_bucket)
