"""Typed errors the handlers turn into translated replies."""


class DomainError(Exception):
    """Base class for errors a carer can fix; ``key`` names the translated reply."""

    key = "error"


class UnknownTimezoneError(DomainError):
    """The carer typed a name that is not an IANA timezone."""

    key = "unknown_timezone"


class InvalidTimeError(DomainError):
    """The carer typed something that is not a time of day."""

    key = "invalid_time"


class NoDaysChosenError(DomainError):
    """A schedule needs at least one weekday."""

    key = "no_days"


class ReflectionTooLongError(DomainError):
    """The reflection is longer than the bot keeps."""

    key = "too_long"

    def __init__(self, length: int, limit: int) -> None:
        """Remember the sizes so the reply can state them."""
        super().__init__(f"reflection of {length} characters exceeds {limit}")
        self.length = length
        self.limit = limit


class EmptyReflectionError(DomainError):
    """Whitespace only: nothing to keep."""

    key = "empty_reflection"


class ControlCharactersError(DomainError):
    """The text holds control characters (such as NUL) that no keyboard types."""

    key = "control_characters"


class ButtonExpiredError(DomainError):
    """A button's data is unreadable, forged or from an older version of the bot."""

    key = "button_expired"


class TooLateTodayError(DomainError):
    """A 'later today' snooze would land in the night."""

    key = "too_late_today"


class PromptClosedError(DomainError):
    """The prompt behind a button was already answered, skipped or snoozed."""

    key = "prompt_closed"


class NotOnboardedError(DomainError):
    """The carer has not finished /start yet."""

    key = "not_onboarded"


class NotTextError(DomainError):
    """Voice notes, photos, stickers and files are not kept: only written text is."""

    key = "not_text"


class SetupUnfinishedError(NotOnboardedError):
    """The carer started /start but has not answered every question yet."""

    key = "setup_unfinished"


class NotATrainerError(DomainError):
    """Trainer tools are only for trainers an agency admin has made."""

    key = "not_trainer"


class GroupNotFoundError(DomainError):
    """The group does not exist, is archived, or belongs to another trainer."""

    key = "group_not_found"


class InviteInvalidError(DomainError):
    """A join or trainer link that was revoked, expired, used up or never existed."""

    key = "invite_invalid"


class NameInvalidError(DomainError):
    """A group or plan name must be short, printable text."""

    key = "name_invalid"

    def __init__(self, limit: int) -> None:
        """Remember the limit so the reply can state it."""
        super().__init__(f"name longer than {limit} or empty")
        self.limit = limit


class NoteTooLongError(DomainError):
    """A theme note or a message to a group is longer than the bot sends."""

    key = "note_too_long"

    def __init__(self, length: int, limit: int) -> None:
        """Remember the sizes so the reply can state them."""
        super().__init__(f"note of {length} characters exceeds {limit}")
        self.length = length
        self.limit = limit
