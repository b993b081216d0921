"""recstream's Spark jobs: clean Firehose purchases, recommend with ALS, analyse."""
