"""A small database world for the batch tests (helpers only, no tests here).

Seekers in Ledu and Xining with a few occupations and destinations (Wuxi, Dongguan, the home
prefecture, anywhere), postings in Qinghai, Jiangsu and Guangdong, so a run has several
partitions and some seekers span more than one."""

import datetime as dt
import random

from tests.factories import DiagnosisFactory, EnterpriseFactory, PostingFactory, SeekerFactory

OCCUPATIONS = ["6-18-02-04", "6-25-04-08", "4-03-02-01", "4-02-07-08"]
SKILLS = {
    "6-18-02-04": "电焊 氩弧焊",
    "6-25-04-08": "普工 装配",
    "4-03-02-01": "厨师 炒菜",
    "4-02-07-08": "快递 分拣",
}
HOMES = ["630202001", "630102001"]
DESTINATIONS = [["320200"], ["441900"], [], ["630000"], ["320200", "441900"]]
WORK = ["630202", "630102", "320205", "441900003"]


def build_world(seed: int = 7, seekers: int = 24, postings: int = 18) -> dict:
    rng = random.Random(seed)
    enterprises = {w: EnterpriseFactory(region_id=w) for w in WORK}
    people = []
    for n in range(seekers):
        occ = rng.choice(OCCUPATIONS)
        home = rng.choice(HOMES)
        s = SeekerFactory(
            hukou_region_id=home,
            residence_region_id=home,
            expected_wage=rng.choice([None, 4000, 5000, 6500]),
            skills_text=SKILLS[occ] if n % 5 else "",
            accepts_anywhere=(n % 7 == 0),
            education=rng.choice(["", "junior", "senior"]),
        )
        if n % 6:
            s.desired_occupations.set([occ])
        s.desired_regions.set(rng.choice(DESTINATIONS))
        if n % 4 == 0:
            DiagnosisFactory(
                seeker=s, criterion=rng.choice(["disability", "poverty", "registered_unemployed"])
            )
        people.append(s)
    posts = []
    for n in range(postings):
        occ = rng.choice(OCCUPATIONS)
        w = rng.choice(WORK)
        posts.append(
            PostingFactory(
                enterprise=enterprises[w],
                work_region_id=w,
                occupation_id=occ,
                title=SKILLS[occ].split()[0],
                required_skills=SKILLS[occ],
                headcount=rng.choice([1, 2, 3]),
                wage_max=rng.choice([4500, 6000, 8000]),
                wage_min=4000,
                lodging=bool(n % 2),
                board=bool(n % 3),
                target_groups=["poverty"] if n % 5 == 0 else [],
                valid_until=dt.date.today() + dt.timedelta(days=60),
            )
        )
    return {"seekers": people, "postings": posts}
