"""Pure rules of the product: no Telegram, no database, no scheduler, no text."""
