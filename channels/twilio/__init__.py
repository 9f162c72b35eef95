"""Twilio, shared by the channels it carries (SMS, WhatsApp, voice): its REST client and its
webhook signature check. Not a channel of its own: it registers nothing."""
