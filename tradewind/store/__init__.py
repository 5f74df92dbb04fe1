"""The metadata database: tables, migrations, and one function per state change.

The only package that imports SQLAlchemy. Import its modules directly
(`from tradewind.store import runs`); this file imports nothing, so `import tradewind.store`
stays cheap.
"""
