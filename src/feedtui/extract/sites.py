"""Known markup and JSON payloads of publishers and liveblog vendors. (being written)"""
def extract_html(page):
    return []
def extract_json(payload, url, source, now):
    return None
