"""The conversations: plain Python that decides what the bot says. No Bot Framework imports."""
