"""One measured Scrapy crawl for bench/peers.ts, in a fresh process so its peak RSS is its own:

    /usr/bin/python3 bench/peers/scrapy_once.py --url http://127.0.0.1:PORT/ [--concurrency 32]

Needs Debian's python3-scrapy (apt-get install -y python3-scrapy). Runs one spider through CrawlerProcess with
CONCURRENT_REQUESTS = CONCURRENT_REQUESTS_PER_DOMAIN = --concurrency, breadth-first (DEPTH_PRIORITY 1, FIFO queues),
robots.txt ignored, allowed_domains = the start URL's host, following every <a href>. Everything else is Scrapy's
default (2 retries, cookies, redirects, the dupe filter). Prints one JSON line like bench/crawl-once.ts; wall time and
CPU (getrusage) cover process.start() only, so importing Scrapy is outside the measurement.
"""
import argparse
import json
import resource
import time
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse

parser = argparse.ArgumentParser()
parser.add_argument('--url', required=True)
parser.add_argument('--concurrency', type=int, default=32)
args = parser.parse_args()
host = urlsplit(args.url).hostname

counts = {'pages': 0}


class SiteSpider(scrapy.Spider):
    name = 'bench'
    allowed_domains = [host]

    def start_requests(self):
        # Scrapy's default start request has dont_filter=True, so a page linking back to the start URL would fetch it twice.
        yield scrapy.Request(args.url, callback=self.parse, dont_filter=False)

    def parse(self, response):
        counts['pages'] += 1
        if not isinstance(response, TextResponse):
            return
        for href in response.css('a::attr(href)').getall():
            url = response.urljoin(href)
            # Skips mailto:, javascript: and the like, which Scrapy's Request refuses ("Missing scheme").
            if url.startswith(('http://', 'https://')):
                yield scrapy.Request(url, callback=self.parse)


process = CrawlerProcess(settings={
    'CONCURRENT_REQUESTS': args.concurrency,
    'CONCURRENT_REQUESTS_PER_DOMAIN': args.concurrency,
    'CONCURRENT_REQUESTS_PER_IP': 0,
    'DEPTH_PRIORITY': 1,
    'SCHEDULER_DISK_QUEUE': 'scrapy.squeues.PickleFifoDiskQueue',
    'SCHEDULER_MEMORY_QUEUE': 'scrapy.squeues.FifoMemoryQueue',
    'ROBOTSTXT_OBEY': False,
    'LOG_LEVEL': 'ERROR',
    'TELNETCONSOLE_ENABLED': False,
    'REQUEST_FINGERPRINTER_IMPLEMENTATION': '2.7',
    'DUPEFILTER_DEBUG': False,
})
crawler = process.create_crawler(SiteSpider)
process.crawl(crawler)

before = resource.getrusage(resource.RUSAGE_SELF)
started = time.perf_counter()
process.start()
elapsed_ms = (time.perf_counter() - started) * 1000
after = resource.getrusage(resource.RUSAGE_SELF)

stats = crawler.stats.get_stats()
user_ms = (after.ru_utime - before.ru_utime) * 1000
system_ms = (after.ru_stime - before.ru_stime) * 1000
pages = counts['pages']
print(json.dumps({
    'engine': 'scrapy',
    'pages': pages,
    'failed': stats.get('log_count/ERROR', 0),
    'elapsedMs': round(elapsed_ms),
    'pagesPerSecond': round(pages / elapsed_ms * 1000, 1),
    'cpuUserMs': round(user_ms),
    'cpuSystemMs': round(system_ms),
    'cpuMs': round(user_ms + system_ms),
    'peakRssBytes': after.ru_maxrss * 1024,
    'retries': stats.get('retry/count', 0),
    'dupesFiltered': stats.get('dupefilter/filtered', 0),
    'offsiteFiltered': stats.get('offsite/filtered', 0),
}))
