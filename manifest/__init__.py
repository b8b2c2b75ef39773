"""The Teams app package: the manifest template, the two icons and `python -m manifest.build`."""
