"""Files translated whole (LibreTranslate's ``/translate_file``): formats and their storage."""
