# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OnCall's PathPrefixedPagePagination, with the link strings the real engine sends (see docs/server-behaviour.md)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

# DRF's get_page_size caps the *reported* page size; the real page is not capped.
MAX_REPORTED_PAGE_SIZE = 100


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def engine_url(base_url, full_path):
    """OnCall's create_engine_url: the request path joined onto BASE_URL, not onto the Host used."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return urljoin(base, full_path.lstrip("/"))


def _with_page(url, page):
    """DRF's replace_query_param / remove_query_param: parameters come out sorted by name."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    if page is None:
        params.pop("page", None)
    else:
        params["page"] = [str(page)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))


class LazyList:
    """`items` shown through `represent`, only for the slice a page needs (large lists stay cheap to page through)."""

    def __init__(self, items, represent):
        self._items = items
        self._represent = represent

    def __len__(self):
        return len(self._items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._represent(item) for item in self._items[index]]
        return self._represent(self._items[index])

    def __iter__(self):
        return (self._represent(item) for item in self._items)

    def __eq__(self, other):
        return list(self) == other

    __hash__ = None


def paginate(items, query, default_size, base_url, full_path):
    """Return the list body for `items` (already filtered and sorted).

    `query` maps a parameter name to its last value (QueryDict.get semantics).
    """
    per_page = _int_or_none(query.get("perpage"))
    if per_page is None or per_page < 1:
        per_page = default_size
    page = _int_or_none(query.get("page"))
    if page is None or page < 1:
        page = 1
    count = len(items)
    # Django's Paginator: an empty list still has one (empty) page.
    total_pages = max(1, -(-count // per_page))
    # A page past the end is answered with the last page (get_page catches EmptyPage).
    page = min(page, total_pages)
    results = items[(page - 1) * per_page:page * per_page]

    reported = _int_or_none(query.get("perpage"))
    if reported is None or reported < 1:
        reported = default_size
    reported = min(reported, MAX_REPORTED_PAGE_SIZE)

    url = engine_url(base_url, full_path)
    next_link = _with_page(url, page + 1) if page < total_pages else None
    if page > 1:
        previous_link = _with_page(url, None if page == 2 else page - 1)
    else:
        previous_link = None
    return {
        "count": count,
        "next": next_link,
        "previous": previous_link,
        "results": results,
        "page_size": reported,
        "current_page_number": page,
        "total_pages": total_pages,
    }
