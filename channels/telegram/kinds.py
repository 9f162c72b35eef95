"""The job kinds and review reasons Telegram contributions carry, for the engines to pick up.

A voice note, audio file, photo or scanned document is stored as a contribution at once,
with an attachment whose bytes are not downloaded yet and a `telegram.fetch_media` job.
That job downloads the original into the media store, fills in the attachment's sha256 and
queues the follow-up job named here. Until an engine handles it, the contribution waits
for a person (`needs_person`, with the reason below), the original at hand.
"""

from __future__ import annotations

FETCH_MEDIA_JOB = "telegram.fetch_media"
"""Download a file through getFile: {contribution_id, file_id, then: the follow-up job kind}."""

PROMPT_JOB = "telegram.prompt"
"""Send a message with inline buttons: {contributor_id, text, buttons: [[[label, data], …]]}."""

TRANSCRIBE_JOB = "transcription.transcribe"
"""Turn a stored recording into text: {contribution_id, attachment_id, language}."""

READ_SCAN_JOB = "ocr.read_scan"
"""Read a stored photo, image or PDF of a form: {contribution_id, attachment_id, language}."""

AWAITING_TRANSCRIPTION = "awaiting_transcription"
AWAITING_SCAN_READING = "awaiting_scan_reading"
MEDIA_NOT_DOWNLOADED = "media_not_downloaded"
