"""Speech-to-text for recordings residents send in: decoding, models, transcripts, quality."""
