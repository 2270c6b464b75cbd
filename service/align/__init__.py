"""The aligner at the edge: pages ingested (decoded, analysed, paired, stored) and sentence
lists aligned, with the input checks the API and the CLI share."""
