"""Microdata liveBlogUpdate. (being written)"""
def extract(page):
    return []
