"""Offline analysis of contributions: themes across a consultation, and look-alikes.

Provider-free: text analysis (stop words, Snowball stems, a small trilingual lexicon),
TF-IDF and k-means from scikit-learn. No text leaves the municipality.
"""
