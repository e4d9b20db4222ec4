"""The HTML adapter, one module per area. Each view parses the request, calls selectors or a service (the
same ones the JSON API calls), and renders; refusals become a problem page (`page_view`) or, for htmx,
an error fragment (`fragment_view`) — see `hongshu.web.common`."""
