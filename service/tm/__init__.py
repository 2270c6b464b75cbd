"""Translation memory: stored aligned corpus and imported TMX files, looked up before the engine."""
