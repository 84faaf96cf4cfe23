"""web/ owns HTTP: the aiohttp app and its URL map (app.py), the request guard and middlewares
(guard.py, middleware.py, security.py), secrets and pairing (auth.py, pairing.py), the request
contract (schema.py, validate.py, openapi.py), JSON in and out (http.py), the pages (render.py,
handlers/pages.py), the extraction processes (extract_pool.py) and thin handlers.

It may import library/, transfer/, store/ (page sessions, file helpers), the pure cores and the
base modules - never cli/. Handlers check a request, call one library or transfer function on
the store's thread (Context.db) or read a page in a worker (Context.read), and answer JSON.
"""
