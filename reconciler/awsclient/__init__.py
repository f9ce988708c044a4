"""The AWS clients the tool makes (botocore's, as boto3 makes them, with cheaper signing,
parsing and model loading), in a package of their own: the second process of
``--api-process`` (``reconciler.api_worker``) imports this and botocore alone, not the
providers, kinds and models a run imports."""
