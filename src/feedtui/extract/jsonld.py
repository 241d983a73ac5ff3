"""JSON-LD LiveBlogPosting. (being written)"""
def extract(page):
    return []
def coverage_end(page):
    return None
