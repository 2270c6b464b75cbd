"""Machine translation: the engine protocol and the Argos engine, model packages, HTML text
nodes, and the translation of stored documents."""
