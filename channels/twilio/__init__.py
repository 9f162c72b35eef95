"""Twilio, shared by the channels it carries (SMS, WhatsApp, voice): client and signature check.

No channel of its own: it registers nothing, and imports the core only.
"""
