"""Settings, read once from the environment (and a local ``.env``), validated, then frozen."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything configurable about one deployment."""

    model_config = SettingsConfigDict(env_file=".env", frozen=True, extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = "sqlite:///securebase.db"
    telegram_api_url: str = "https://api.telegram.org"
    content_dir: Path = PROJECT_ROOT / "content"
    locales_dir: Path = PROJECT_ROOT / "locales"
    sweep_interval_seconds: float = Field(default=30.0, gt=0)
    dev_chat_id: int | None = None
    log_level: str = "INFO"

    @field_validator("telegram_api_url")
    @classmethod
    def _plain_root_url(cls, value: str) -> str:
        """Accept the Bot API root, e.g. ``http://127.0.0.1:9000``, without a trailing slash."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("TELEGRAM_API_URL must start with http:// or https://")
        return value.rstrip("/")

    @property
    def api_base_url(self) -> str:
        """Return the method URL prefix PTB appends the token to."""
        return f"{self.telegram_api_url}/bot"

    @property
    def api_file_url(self) -> str:
        """Return the file URL prefix PTB appends the token to."""
        return f"{self.telegram_api_url}/file/bot"
