"""The ground floor: errors, safe reads of project files, atomic writes, the document nodes; imports nothing above it."""
