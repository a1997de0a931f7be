"""A local, in-process stand-in for the Telegram Bot API: the sandbox chat and the tests use it."""
