"""The behaviour data product (issue 15): sessions, funnel, purchase intent and top-3 categories
from REES46 clickstream events. Each job module has `add_arguments(parser)` and `main(spark, args)`."""
