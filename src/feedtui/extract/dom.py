"""DOM blocks with ids or time attributes. (being written)"""
def extract(page):
    return []
