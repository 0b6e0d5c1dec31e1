"""The resident survey (burgerpeiling), the resident panel and indicators against targets."""
