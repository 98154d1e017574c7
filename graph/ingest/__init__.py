"""Reading bundles, templates and IATI files into the store, and writing bundles back."""

# The forms a bundle is written in (`tacmap export`, GET /export): here, where naming them imports nothing.
BUNDLE_FORMATS = ("dir", "zip", "xlsx")
