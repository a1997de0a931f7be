"""Settings, read once from the environment (and a local ``.env``), validated, then frozen."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Everything configurable about one deployment."""

    model_config = SettingsConfigDict(env_file=".env", frozen=True, extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = "sqlite:///securebase.db"
    telegram_api_url: str = "https://api.telegram.org"
    content_dir: Path = PROJECT_ROOT / "content"
    locales_dir: Path = PROJECT_ROOT / "locales"
    sweep_interval_seconds: float = Field(default=30.0, gt=0)
    retention_days: int = Field(default=365, ge=1, le=36500)
    dev_chat_id: int | None = None
    log_level: str = "INFO"

    @field_validator("telegram_api_url")
    @classmethod
    def _plain_root_url(cls, value: str) -> str:
        """Accept the Bot API root, e.g. ``http://127.0.0.1:9000``, without a trailing slash."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("TELEGRAM_API_URL must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        """Accept a level name in any case, e.g. ``debug``, as people type it in a .env file."""
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)} (any case), not {value!r}")
        return level

    @property
    def api_base_url(self) -> str:
        """Return the method URL prefix PTB appends the token to."""
        return f"{self.telegram_api_url}/bot"

    @property
    def api_file_url(self) -> str:
        """Return the file URL prefix PTB appends the token to."""
        return f"{self.telegram_api_url}/file/bot"


def describe_invalid(error: ValidationError) -> str:
    """Name each invalid setting and why, without echoing values that may be secrets."""
    return "\n".join(
        f"{'.'.join(map(str, issue['loc'])).upper()}: {issue['msg'].removeprefix('Value error, ')}"
        for issue in error.errors(include_input=False, include_url=False)
    )
