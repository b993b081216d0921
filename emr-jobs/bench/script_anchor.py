"""Benchmark anchor for issue 14: the single PySpark script recstream replaces, step by step as the
issue describes it (written here from that description, not copied), so `npm run bench:spark` can
time recstream's pipeline against it in the same run with the same spark-submit settings.

    spark-submit script_anchor.py <firehose objects folder> <output folder>

Steps: read every Firehose JSON object with an all-string schema (event_time a timestamp),
distinct(), ids to long and price to float, empty strings to null, drop rows without user_id or
before 2020-01-01, cache; category_code from a distinct (category_id, category_code) mapping by
left join, drop rows still without one; brand = the product's first non-null brand, drop rows
still without one; write the cleaned rows as one CSV; purchases per (user, product);
StringIndexer on both ids; random 0.8/0.2 split; implicit ALS (maxIter 5, regParam 0.01,
coldStartStrategy drop) on the counts; RMSE on the 20%; recommendForAllUsers(3); explode, join
back the original ids and the product's category/brand/price; write one CSV. Spark's defaults
everywhere else (200 shuffle partitions), as the script had them.
"""
import sys
import time

from pyspark.ml.evaluation import RegressionEvaluator
from pyspark.ml.feature import StringIndexer
from pyspark.ml.recommendation import ALS
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType, TimestampType

FIELDS = ("order_id", "product_id", "category_id", "category_code", "brand", "price", "user_id")
SCHEMA = StructType([StructField("event_time", TimestampType())] + [StructField(f, StringType()) for f in FIELDS])


def log(message):
    print("[script %s] %s" % (time.strftime("%H:%M:%S", time.gmtime()), message), flush=True)


def blank_to_null(column):
    return F.when(F.col(column) == "", None).otherwise(F.col(column))


def main(raw, out):
    spark = SparkSession.builder.appName("purchases-script-anchor").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = (
        spark.read.schema(SCHEMA)
        .option("timestampFormat", "yyyy-MM-dd HH:mm:ss 'UTC'")
        .option("recursiveFileLookup", "true")
        .json(raw)
        .distinct()
    )
    df = df.select(
        "event_time",
        *[blank_to_null(c).cast("long").alias(c) for c in ("order_id", "product_id", "category_id", "user_id")],
        blank_to_null("category_code").alias("category_code"),
        blank_to_null("brand").alias("brand"),
        blank_to_null("price").cast("float").alias("price"),
    )
    df = df.filter(F.col("user_id").isNotNull() & (F.col("event_time") >= F.lit("2020-01-01"))).cache()
    log("rows of known users since 2020: %d" % df.count())

    codes = df.select("category_id", F.col("category_code").alias("mapped_code")).filter(F.col("mapped_code").isNotNull()).distinct()
    df = df.join(codes, "category_id", "left").withColumn("category_code", F.coalesce("category_code", "mapped_code")).drop("mapped_code")
    df = df.filter(F.col("category_code").isNotNull())
    brands = df.groupBy("product_id").agg(F.first("brand", ignorenulls=True).alias("product_brand"))
    df = df.join(brands, "product_id", "left").withColumn("brand", F.coalesce("brand", "product_brand")).drop("product_brand")
    df = df.filter(F.col("brand").isNotNull())
    df.coalesce(1).write.mode("overwrite").option("header", "true").csv(out + "/cleaned")
    log("wrote the cleaned rows")

    counts = df.groupBy("user_id", "product_id").agg(F.count(F.lit(1)).cast("float").alias("purchases"))
    indexed = StringIndexer(inputCol="user_id", outputCol="user").fit(counts).transform(counts)
    indexed = StringIndexer(inputCol="product_id", outputCol="item").fit(indexed).transform(indexed)
    indexed = indexed.withColumn("user", F.col("user").cast("int")).withColumn("item", F.col("item").cast("int"))
    train, test = indexed.randomSplit([0.8, 0.2], seed=42)
    als = ALS(maxIter=5, regParam=0.01, implicitPrefs=True, coldStartStrategy="drop", userCol="user", itemCol="item", ratingCol="purchases")
    model = als.fit(train)
    rmse = RegressionEvaluator(metricName="rmse", labelCol="purchases", predictionCol="prediction").evaluate(model.transform(test))
    log("ALS fitted, RMSE on the 20%%: %.4f" % rmse)

    recs = model.recommendForAllUsers(3).select("user", F.explode("recommendations").alias("r")).select("user", "r.item", "r.rating")
    users = indexed.select("user", "user_id").distinct()
    items = indexed.select("item", "product_id").distinct()
    details = df.groupBy("product_id").agg(F.first("category_code").alias("category_code"), F.first("brand").alias("brand"), F.first("price").alias("price"))
    out_rows = recs.join(users, "user").join(items, "item").join(details, "product_id", "left")
    out_rows.coalesce(1).write.mode("overwrite").option("header", "true").csv(out + "/recommendations")
    log("wrote the recommendations")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
