"""RSS, Atom, RDF and JSON Feed. (being written)"""
def parse_feed(data, url, source):
    return None
def parse_json_feed(payload, url, source):
    return None
