"""The periodic sweep on PTB's JobQueue and the Telegram side of sending prompts."""
