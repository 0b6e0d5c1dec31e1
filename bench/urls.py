from django.urls import path

from bench import views

urlpatterns = [path("_bench/baseline/", views.bench_baseline)]
