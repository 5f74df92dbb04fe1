"""The triggerer: runs the triggers deferred task instances wait on, many in one asyncio loop."""
