"""The only package that knows the Bot Framework SDK: HTTP handling, activities, sending."""
