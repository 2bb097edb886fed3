"""The hand-written part of the Seoul demo data: landmarks, names, owners, schedules.

generate.py places everything on the map; this module says what exists and where.
Every builder takes the generator's context (anchors, placer, rng, add, …) and adds its
resources in a fixed order, so the ids stay stable.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load_anchors():
    rows = []
    for line in (HERE / "anchors.txt").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        gu, typ, ko, en, lat, lon, road_ko, road_en, bikes = line.split("|")
        rows.append((gu, typ, ko, en, float(lat), float(lon), road_ko, road_en, bikes))
    return rows


ANCHORS = _load_anchors()

# First number of each gu's Ttareungyi stations (fictional numbering, real style).
GU_BIKE_BASE = {
    "마포구": 100, "영등포구": 200, "종로구": 300, "중구": 360, "서대문구": 400,
    "광진구": 500, "성동구": 550, "동대문구": 600, "성북구": 650, "용산구": 700,
    "강서구": 1100, "송파구": 1200, "양천구": 1300, "은평구": 1400, "관악구": 1500,
    "노원구": 1600, "도봉구": 1700, "강북구": 1800, "중랑구": 1900, "서초구": 2000,
    "구로구": 2100, "금천구": 2200, "강남구": 2300, "동작구": 2400, "강동구": 2500,
}

# How many stations each gu gets at most (Mapo more: the Mangwon demo area).
BIKE_CAP = {"마포구": 12}
BIKE_CAP_DEFAULT = 5


def bike_station_plan(anchors):
    """(anchor name, "exitN" | "gate" | "front" | "plaza", fixed number or None), in order."""
    per_gu = {}
    plan = []
    for gu, _typ, ko, _en, _lat, _lon, _rk, _re, bikes in anchors:
        if not bikes:
            continue
        for item in bikes.split(","):
            how, _, number = item.partition("=")
            cap = BIKE_CAP.get(gu, BIKE_CAP_DEFAULT)
            if per_gu.get(gu, 0) >= cap and not number:
                continue
            per_gu[gu] = per_gu.get(gu, 0) + 1
            plan.append((ko, how, int(number) if number else None))
    return plan


# --- shared helpers ----------------------------------------------------------------

DAY_KO = {"mon": "월", "tue": "화", "wed": "수", "thu": "목", "fri": "금", "sat": "토", "sun": "일"}

DAY_EN_LONG = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
               "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}


def when(slots):
    """Plain words for a schedule: ("평일 09:00~18:00", "weekdays 09:00–18:00")."""
    ko, en = [], []
    for d, o, c in slots:
        if d == "mon-fri":
            dk, de = "평일", "weekdays"
        elif d == "sat,sun":
            dk, de = "주말", "weekends"
        elif d == "all":
            dk, de = "매일", "every day"
        elif d == "mon-sat":
            dk, de = "월~토요일", "Monday to Saturday"
        elif "-" in d:
            a, b = d.split("-")
            dk, de = f"{DAY_KO[a]}~{DAY_KO[b]}요일", f"{DAY_EN_LONG[a]} to {DAY_EN_LONG[b]}"
        else:
            parts = d.split(",")
            dk = "·".join(DAY_KO[p] for p in parts) + "요일"
            names = [DAY_EN_LONG[p] + "s" for p in parts]
            de = " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]
        ko.append(f"{dk} {o}~{c}")
        en.append(f"{de} {o}–{c}")
    return ", ".join(ko), ", ".join(en)


def pick(rng, items):
    return items[rng.randrange(len(items))]


# --- parking (모두의주차장 style) -------------------------------------------------------

NEIGHBORS = [
    ("김영희", "Kim Young-hee"), ("이철수", "Lee Chul-soo"), ("박정숙", "Park Jeong-suk"),
    ("최민준", "Choi Min-jun"), ("정미경", "Jung Mi-kyung"), ("윤서연", "Yoon Seo-yeon"),
    ("장순자", "Jang Sun-ja"), ("임현우", "Lim Hyun-woo"), ("오세진", "Oh Se-jin"),
    ("서경자", "Seo Kyung-ja"), ("신동호", "Shin Dong-ho"), ("권혜진", "Kwon Hye-jin"),
    ("황보람", "Hwang Bo-ram"), ("안재석", "Ahn Jae-seok"), ("송미란", "Song Mi-ran"),
    ("전광수", "Jeon Kwang-su"), ("홍길순", "Hong Gil-sun"), ("유지현", "Yoo Ji-hyun"),
    ("조영수", "Cho Young-soo"), ("배은숙", "Bae Eun-sook"), ("문혜숙", "Moon Hye-sook"),
    ("남궁철", "Namgoong Cheol"), ("노경희", "Noh Kyung-hee"), ("곽민석", "Kwak Min-seok"),
    ("성은주", "Sung Eun-ju"), ("차영미", "Cha Young-mi"), ("구본철", "Koo Bon-cheol"),
    ("민경아", "Min Kyung-a"), ("주상훈", "Joo Sang-hoon"), ("우미영", "Woo Mi-young"),
    ("나성민", "Na Sung-min"), ("변희정", "Byun Hee-jung"), ("엄태식", "Eom Tae-sik"),
    ("고은비", "Ko Eun-bi"), ("양동철", "Yang Dong-chul"), ("류정민", "Ryu Jung-min"),
    ("하순옥", "Ha Soon-ok"), ("진대호", "Jin Dae-ho"),
]
CHURCHES = [
    ("새빛교회", "Saebit Church"), ("늘푸른교회", "Neulpureun Church"),
    ("한마음교회", "Hanmaeum Church"), ("사랑나눔교회", "Sarangnanum Church"),
    ("동산교회", "Dongsan Church"), ("기쁨의교회", "Gippeum Church"),
    ("샘물교회", "Saemmul Church"),
]
BUILDINGS = [
    ("한빛빌딩", "Hanbit Building"), ("우리상가", "Uri Shopping Arcade"),
    ("햇살빌딩", "Haetsal Building"),
]
PARKING_SCHEDULES = [
    [("mon-fri", "09:00", "18:00")],
    [("mon-fri", "09:00", "18:00")],
    [("mon-fri", "08:30", "19:00")],
    [("mon-fri", "10:00", "17:00")],
    [("mon-fri", "09:00", "18:00"), ("sat", "09:00", "13:00")],
    [("mon-fri", "07:30", "17:30")],
    [("tue,thu", "08:00", "20:00")],
    [("mon,wed,fri", "09:00", "19:00")],
]
PARKING_TIPS = [
    ("경차와 중형차까지 들어가요.", "Fits small and mid-size cars."),
    ("골목이 좁으니 천천히 들어오세요.", "The alley is narrow, so please drive in slowly."),
    ("전기차 충전은 안 돼요.", "No electric car charging."),
    ("대문 앞을 막지 않게 세워 주세요.", "Please don't block the front gate."),
    ("SUV는 조금 빡빡해요.", "An SUV fits, but only just."),
    ("밤에는 주인이 써요. 꼭 시간 안에 빼 주세요.",
     "The owner needs it in the evening, so please leave on time."),
]
# (anchor, owner kind) — owner kind: n = neighbor, c = church lot, s = school lot, b = building
PARKING_PLAN = [
    ("망원시장", "n"), ("망원2동 주민센터", "n"), ("성미산마을", "n"), ("합정", "c"),
    ("연희동 사러가시장", "n"), ("홍제", "n"), ("가좌", "s"), ("부암동 주민센터", "n"),
    ("창신동 봉제거리", "n"), ("약수", "n"), ("후암동 주민센터", "n"), ("효창공원앞", "c"),
    ("금호", "n"), ("옥수", "n"), ("구의", "n"), ("군자", "b"), ("회기", "n"),
    ("장한평", "c"), ("면목동 동원시장", "n"), ("중화", "n"), ("정릉시장", "n"),
    ("장위동 마을활력소", "s"), ("번동 주민센터", "n"), ("수유", "c"), ("방학", "n"),
    ("쌍문", "n"), ("하계", "s"), ("공릉", "n"), ("응암", "n"), ("새절", "c"),
    ("우장산", "n"), ("화곡", "n"), ("신월동 주민센터", "n"), ("신정네거리", "s"),
    ("개봉", "n"), ("오류동", "n"), ("독산", "b"), ("시흥동 은행나무 쉼터", "n"),
    ("신길", "n"), ("문래창작촌", "c"), ("장승배기", "n"), ("상도", "n"),
    ("난곡동 주민센터", "n"), ("대학동 고시촌", "n"), ("방배", "n"), ("내방", "s"),
    ("일원", "n"), ("개포동", "b"), ("마천", "n"), ("길동", "c"), ("강일동 주민센터", "n"),
]


def PARKING(ctx):
    anchors, placer, rng, add = ctx["anchors"], ctx["placer"], ctx["rng"], ctx["add"]
    neighbors = list(NEIGHBORS)
    rng.shuffle(neighbors)
    churches = list(CHURCHES)
    buildings = list(BUILDINGS)
    n_neighbor = 0
    for key, kind in PARKING_PLAN:
        a = anchors[key]
        gil = rng.choice([3, 5, 7, 9, 11, 12, 14, 16, 18, 21, 23, 25, 27, 31, 33])
        price = rng.choice([600, 700, 700, 800, 800, 900])
        near_ko, near_en = a.label_ko, a.label_en
        base_ko, base_en = a.dong_base_ko, a.dong_base_en
        if kind == "n":
            owner = {"ko": neighbors[n_neighbor][0], "en": neighbors[n_neighbor][1]}
            n_neighbor += 1
            slots = pick(rng, PARKING_SCHEDULES)
            capacity = 1
            names = [
                (f"{base_ko} 주택가 거주자우선주차면", f"Resident parking space in {base_en}"),
                (f"{near_ko} 근처 골목 주차 1면", f"Alley parking space near {near_en}"),
                (f"{base_ko} 낮 시간 공유 주차면", f"Daytime shared parking space, {base_en}"),
                (f"{base_ko} 빌라 앞 주차면", f"Parking space in front of a villa, {base_en}"),
            ]
            if a.type == "S":
                names.append((f"{near_ko} 뒷골목 거주자 주차면",
                              f"Resident parking space in the back streets of {near_en}"))
            name_ko, name_en = pick(rng, names)
            wk, we = when(slots)
            tip = pick(rng, PARKING_TIPS)
            desc = {
                "ko": f"이웃의 거주자우선주차 자리예요. 주인이 집을 비우는 시간({wk})에만 빌려 "
                      f"드려요. {tip[0]} 정확한 위치는 예약이 확정되면 알려 드려요.",
                "en": f"A neighbor's resident-priority parking space, shared only while the "
                      f"owner is away ({we}). {tip[1]} You will see the exact spot once your "
                      f"booking is confirmed.",
            }
        elif kind == "c":
            church = churches.pop(0)
            owner = {"ko": church[0], "en": church[1]}
            slots = pick(rng, [[("mon-fri", "09:00", "18:00")],
                               [("mon-fri", "08:00", "19:00"), ("sat", "08:00", "12:00")],
                               [("tue-fri", "10:00", "18:00")]])
            capacity = rng.choice([4, 6, 8, 10])
            name_ko, name_en = (f"{church[0]} 주차장 평일 개방",
                                f"{church[1]} parking lot, open on weekdays")
            wk, we = when(slots)
            desc = {
                "ko": f"{church[0]}가 예배가 없는 시간에 주차장을 이웃과 나눠요. {wk}. "
                      f"주차면 {capacity}개. 일요일에는 쓸 수 없어요. 정확한 입구는 예약이 "
                      f"확정되면 알려 드려요.",
                "en": f"{church[1]} shares its parking lot with neighbors when there are no "
                      f"services: {we}. {capacity} spaces. Not available on Sundays. The exact "
                      f"entrance is shown once your booking is confirmed.",
            }
        elif kind == "s":
            school_ko = base_ko.removesuffix("동") + "초등학교"
            school_en = base_en.removesuffix("-dong") + " Elementary School"
            owner = {"ko": school_ko, "en": school_en}
            slots = [("mon-fri", "19:00", "23:00"), ("sat,sun", "08:00", "20:00")]
            capacity = rng.choice([8, 10, 12, 15])
            name_ko, name_en = (f"{school_ko} 주차장 (저녁·주말 개방)",
                                f"{school_en} parking lot (evenings and weekends)")
            wk, we = when(slots)
            desc = {
                "ko": f"학교 주차장을 수업이 없는 저녁과 주말에 주민에게 열어요({wk}). "
                      f"주차면 {capacity}개. 아침 8시 전에는 꼭 차를 빼 주세요.",
                "en": f"The school opens its parking lot to residents when there are no "
                      f"classes ({we}). {capacity} spaces. Please leave before 8 a.m. on "
                      f"school days.",
            }
        else:
            b = buildings.pop(0)
            owner = {"ko": f"{b[0]} 관리사무소", "en": f"{b[1]} management office"}
            slots = [("sat,sun", "09:00", "21:00"), ("mon-fri", "19:00", "23:30")]
            capacity = rng.choice([5, 6, 8])
            name_ko, name_en = (f"{b[0]} 주차장 (주말·저녁 공유)",
                                f"{b[1]} parking (weekends and evenings)")
            wk, we = when(slots)
            desc = {
                "ko": f"상가 건물 주차장이 비는 시간에 나눠요({wk}). 주차면 {capacity}개. "
                      f"건물 문이 닫혀도 차는 뺄 수 있어요.",
                "en": f"A shopping building shares its parking when it is empty ({we}). "
                      f"{capacity} spaces. You can drive out even after the building closes.",
            }
        loc = placer.near(a, 120, 450, name_ko)
        add("parking_space", a, {"ko": name_ko, "en": name_en}, desc, loc,
            ctx["block_address"](a, gil), owner,
            {"type": "per_period", "amount_krw": price, "period_minutes": 30},
            capacity=capacity, sched=ctx["schedule"](*slots), visibility="confirmed_bookers")


# --- meeting rooms ----------------------------------------------------------------------

def _center(a):
    return {"ko": f"{a.dong.ko} 주민센터", "en": f"{a.text('neighborhood')['en']} Community Center"}


CENTER_HOURS = [("mon-fri", "09:00", "18:00")]
CENTER_EVENING = [("mon-fri", "09:00", "21:00"), ("sat", "09:00", "13:00")]

# (anchor, room ko, room en, capacity) — rooms in community centers (주민센터)
CENTER_ROOMS = [
    ("망원2동 주민센터", "다목적실", "multipurpose room", 30),
    ("망원", "소회의실", "small meeting room", 10),
    ("서대문구청", "주민 회의실", "residents' meeting room", 16),
    ("부암동 주민센터", "다목적실", "multipurpose room", 24),
    ("후암동 주민센터", "마을 사랑방", "neighborhood lounge", 12),
    ("행당", "다목적실", "multipurpose room", 30),
    ("아차산", "작은 회의실", "small meeting room", 8),
    ("청량리", "다목적 강당", "multipurpose hall", 40),
    ("면목", "주민 사랑방", "residents' lounge", 12),
    ("번동 주민센터", "다목적실", "multipurpose room", 25),
    ("창동", "소회의실", "small meeting room", 10),
    ("상계", "다목적실", "multipurpose room", 30),
    ("응암", "주민 회의실", "residents' meeting room", 14),
    ("신월동 주민센터", "다목적실", "multipurpose room", 28),
    ("오류동", "작은 회의실", "small meeting room", 8),
    ("흑석", "다목적실", "multipurpose room", 30),
    ("난곡동 주민센터", "주민 사랑방", "residents' lounge", 12),
    ("방배", "소회의실", "small meeting room", 10),
    ("도곡", "다목적실", "multipurpose room", 35),
    ("송파", "주민 회의실", "residents' meeting room", 16),
    ("강일동 주민센터", "다목적실", "multipurpose room", 30),
]

# (anchor, name ko, name en, owner ko, owner en, capacity, pricing, slots, desc ko, desc en)
OTHER_ROOMS = [
    ("서울빅데이터캠퍼스", "서울빅데이터캠퍼스 세미나실", "Seoul Big Data Campus seminar room",
     "서울빅데이터캠퍼스", "Seoul Big Data Campus", 40, None, [("mon-fri", "09:00", "18:00")],
     "발표와 교육을 할 수 있는 세미나실이에요. 빔프로젝터와 마이크가 있어요.",
     "A seminar room for talks and classes, with a projector and microphones."),
    ("서울빅데이터캠퍼스", "서울빅데이터캠퍼스 협업회의실", "Seoul Big Data Campus team room",
     "서울빅데이터캠퍼스", "Seoul Big Data Campus", 12, None, [("mon-fri", "09:00", "18:00")],
     "데이터 분석 팀 회의에 좋은 방이에요. 큰 모니터와 화이트보드가 있어요.",
     "A good room for a data team meeting, with a large screen and a whiteboard."),
    ("서울빅데이터캠퍼스", "서울빅데이터캠퍼스 소회의실", "Seoul Big Data Campus small meeting room",
     "서울빅데이터캠퍼스", "Seoul Big Data Campus", 6, None, [("mon-fri", "09:00", "18:00")],
     "6명까지 쓰는 작은 회의실이에요. 하루 최대 4시간 예약할 수 있어요.",
     "A small room for up to 6 people. Book up to 4 hours a day."),
    ("무중력지대 대방동", "무중력지대 대방동 모임방", "Zero-Gravity Zone Daebang group room",
     "서울시 청년활동지원센터", "Seoul Youth Center", 12, None,
     [("tue-sat", "10:00", "21:00")],
     "만 19~39세 청년이면 누구나 무료로 쓸 수 있는 모임방이에요.",
     "A free group room for anyone aged 19 to 39."),
    ("가산디지털단지", "무중력지대 G밸리 세미나실", "Zero-Gravity Zone G Valley seminar room",
     "서울시 청년활동지원센터", "Seoul Youth Center", 20, None,
     [("tue-sat", "10:00", "21:00")],
     "G밸리에서 일하는 청년을 위한 세미나실이에요. 퇴근 후 모임도 환영해요.",
     "A seminar room for young people who work in G Valley. After-work meetups are welcome."),
    ("신림", "서울청년센터 관악 회의실", "Seoul Youth Center Gwanak meeting room",
     "서울청년센터 관악", "Seoul Youth Center Gwanak", 10, None,
     [("mon-fri", "10:00", "21:00"), ("sat", "10:00", "17:00")],
     "청년 모임, 스터디, 면접 연습에 쓰는 회의실이에요.",
     "A meeting room for youth groups, study groups and interview practice."),
    ("노원", "서울청년센터 노원 스터디룸", "Seoul Youth Center Nowon study room",
     "서울청년센터 노원", "Seoul Youth Center Nowon", 8, None,
     [("mon-fri", "10:00", "21:00"), ("sat", "10:00", "17:00")],
     "조용한 스터디룸이에요. 노원역에서 걸어서 3분.",
     "A quiet study room, a 3-minute walk from Nowon Station."),
    ("홍대입구", "서울청년센터 마포 공유회의실", "Seoul Youth Center Mapo shared meeting room",
     "서울청년센터 마포", "Seoul Youth Center Mapo", 14, None,
     [("mon-fri", "10:00", "21:00")],
     "홍대입구역 근처 청년 공간의 회의실이에요. 창작 모임도 많이 열려요.",
     "A meeting room in a youth space near Hongik Univ. Station, often used by creative groups."),
    ("서울시50플러스 중부캠퍼스", "50플러스 중부캠퍼스 강의실", "50 Plus Central Campus classroom",
     "서울시50플러스재단", "Seoul 50 Plus Foundation", 30,
     {"type": "per_period", "amount_krw": 5000, "period_minutes": 60},
     [("mon-fri", "09:00", "21:00"), ("sat", "09:00", "17:00")],
     "50세 이상 시민의 배움 모임을 위한 강의실이에요. 의자와 책상을 옮길 수 있어요.",
     "A classroom for learning groups of people aged 50 and over. Tables and chairs can be "
     "moved."),
    ("서울시50플러스 북부캠퍼스", "50플러스 북부캠퍼스 동아리방", "50 Plus North Campus club room",
     "서울시50플러스재단", "Seoul 50 Plus Foundation", 15, None,
     [("mon-fri", "09:00", "18:00")],
     "동아리 모임을 위한 방이에요. 차와 커피를 마실 수 있어요.",
     "A room for club meetings. Tea and coffee are available."),
    ("서울시50플러스 남부캠퍼스", "50플러스 남부캠퍼스 세미나실", "50 Plus South Campus seminar room",
     "서울시50플러스재단", "Seoul 50 Plus Foundation", 36,
     {"type": "per_period", "amount_krw": 8000, "period_minutes": 60},
     [("mon-fri", "09:00", "21:00")],
     "큰 모임을 위한 세미나실이에요. 엘리베이터가 있어 휠체어로 오기 편해요.",
     "A seminar room for large groups. There is a lift, so it is easy to reach by wheelchair."),
    ("서울혁신파크", "서울혁신파크 상상청 세미나실", "Seoul Innovation Park Sangsangcheong seminar room",
     "서울혁신파크", "Seoul Innovation Park", 40, None, [("mon-sat", "09:00", "21:00")],
     "사회 문제를 푸는 단체와 주민이 함께 쓰는 세미나실이에요.",
     "A seminar room shared by residents and groups working on social problems."),
    ("서울혁신파크", "서울혁신파크 미래청 회의실", "Seoul Innovation Park Miraecheong meeting room",
     "서울혁신파크", "Seoul Innovation Park", 10, None, [("mon-fri", "09:00", "18:00")],
     "10명이 둘러앉을 수 있는 회의실이에요. 주차는 어려우니 대중교통을 이용해 주세요.",
     "A meeting room where 10 people can sit around one table. Parking is hard; please come "
     "by bus or subway."),
    ("서울시NPO지원센터", "서울시NPO지원센터 교육장", "Seoul NPO Center training room",
     "서울시NPO지원센터", "Seoul NPO Center", 32, None,
     [("mon-fri", "09:00", "21:00")],
     "비영리단체의 교육과 워크숍에 쓰는 방이에요. 비영리단체는 무료예요.",
     "A room for workshops and training. Free for nonprofit groups."),
    ("장위동 마을활력소", "장위동 마을활력소 사랑방", "Jangwi-dong Village Hub lounge",
     "장위동 마을활력소", "Jangwi-dong Village Hub", 15, None,
     [("mon-sat", "10:00", "20:00")],
     "동네 사람들이 모이는 사랑방이에요. 바닥에 앉는 방이라 어르신 모임에도 좋아요.",
     "A lounge where neighbors gather. It is a floor-seating room, good for seniors' groups."),
    ("성미산마을", "성미산마을 작은 극장", "Seongmisan Village little theater",
     "성미산마을 공동체", "Seongmisan Village community", 40,
     {"type": "per_period", "amount_krw": 10000, "period_minutes": 60},
     [("all", "10:00", "22:00")],
     "마을 공연, 영화 모임, 발표회를 여는 작은 극장이에요. 의자 40개.",
     "A little theater for village concerts, film nights and recitals. 40 seats."),
    ("마로니에공원", "대학로 마을 공유회의실", "Daehak-ro neighborhood meeting room",
     "종로구 마을공동체지원센터", "Jongno-gu Community Support Center", 12, None,
     [("mon-fri", "10:00", "19:00")],
     "마로니에공원 옆 건물 2층의 회의실이에요. 마을 모임은 무료.",
     "A meeting room on the 2nd floor next to Marronnier Park. Free for neighborhood groups."),
    ("석촌호수 서호", "송파 마을북카페 모임방", "Songpa village book cafe group room",
     "송파구 마을공동체지원센터", "Songpa-gu Community Support Center", 8, None,
     [("mon-sat", "10:00", "18:00")],
     "책이 가득한 작은 모임방이에요. 독서 모임에 잘 맞아요.",
     "A small room full of books. Just right for a reading group."),
    ("양천구청", "양천구 공유 회의실", "Yangcheon-gu shared meeting room",
     "양천구청", "Yangcheon-gu Office", 20, None, [("mon-fri", "09:00", "18:00")],
     "구청 별관의 회의실을 주민 모임에 빌려 드려요.",
     "A meeting room in the district office annex, lent to residents' groups."),
    ("신당", "중구 청년 공유회의실", "Jung-gu youth meeting room",
     "중구청", "Jung-gu Office", 10, None, [("mon-fri", "10:00", "20:00")],
     "신당역 근처 청년 공간의 회의실이에요.",
     "A meeting room in a youth space near Sindang Station."),
    ("암사", "강동구 마을 공유 부엌 옆 회의실", "Gangdong village meeting room",
     "강동구 마을공동체지원센터", "Gangdong-gu Community Support Center", 12, None,
     [("mon-fri", "10:00", "19:00")],
     "공유부엌 옆 회의실이에요. 모임 뒤 함께 밥을 지어 먹을 수 있어요.",
     "A meeting room next to a shared kitchen. You can cook and eat together after meeting."),
]


def ROOMS(ctx):
    anchors, placer, rng, add = ctx["anchors"], ctx["placer"], ctx["rng"], ctx["add"]
    for key, ko, en, cap in CENTER_ROOMS:
        a = anchors[key]
        center = _center(a)
        slots = CENTER_EVENING if cap >= 20 else CENTER_HOURS
        wk, we = when(slots)
        desc = pick(rng, [
            (f"주민 누구나 모임, 수업, 회의에 쓸 수 있어요. 최대 {cap}명. 이용 시간 {wk}.",
             f"Any resident can use it for meetings, classes or club activities. Up to {cap} "
             f"people. Open {we}."),
            (f"동네 모임을 위한 방이에요. {cap}명까지 들어가요. 쓴 뒤에는 의자를 제자리에 "
             f"놓아 주세요.",
             f"A room for neighborhood groups, for up to {cap} people. Please put the chairs "
             f"back when you leave."),
            (f"주민센터 안에 있는 방이에요. 무료이고, 한 번에 3시간까지 예약할 수 있어요. "
             f"최대 {cap}명.",
             f"A room inside the community center. Free; book up to 3 hours at a time. Up to "
             f"{cap} people."),
        ])
        add("room", a, {"ko": f"{center['ko']} {ko}", "en": f"{center['en']} {en}"},
            {"ko": desc[0], "en": desc[1]}, placer.near(a, 30, 300, center["ko"]),
            ctx["road_address"](a, rng.randint(5, 180)), center, {"type": "free"},
            capacity=cap, sched=ctx["schedule"](*slots))
    for (key, ko, en, oko, oen, cap, pricing, slots, dko, den) in OTHER_ROOMS:
        a = anchors[key]
        add("room", a, {"ko": ko, "en": en}, {"ko": dko, "en": den},
            placer.near(a, 10, 150, ko), ctx["road_address"](a, rng.randint(5, 300)),
            {"ko": oko, "en": oen}, pricing or {"type": "free"}, capacity=cap,
            sched=ctx["schedule"](*slots))


# --- nonprofit workspaces ---------------------------------------------------------------

def _pp(amount, minutes):
    return {"type": "per_period", "amount_krw": amount, "period_minutes": minutes}


WORKSPACE_LIST = [
    ("서울혁신파크", "서울혁신파크 미래청 공유오피스", "Seoul Innovation Park Miraecheong shared office",
     "서울혁신파크", "Seoul Innovation Park", 30, None, [("mon-fri", "09:00", "22:00")],
     "비영리단체와 사회적기업을 위한 공유오피스예요. 자리는 그날 먼저 온 순서로 써요.",
     "A shared office for nonprofits and social enterprises. Desks are first come, first "
     "served."),
    ("서울혁신파크", "서울혁신파크 청년청 작업실", "Seoul Innovation Park youth workroom",
     "서울혁신파크", "Seoul Innovation Park", 16, None, [("mon-sat", "10:00", "22:00")],
     "청년 활동가를 위한 작업실이에요. 프린터와 회의 테이블이 있어요.",
     "A workroom for young activists, with a printer and a meeting table."),
    ("서울혁신파크", "서울혁신파크 공유 메이커 공방", "Seoul Innovation Park maker workshop",
     "서울혁신파크", "Seoul Innovation Park", 10, _pp(3000, 60), [("tue-sat", "10:00", "18:00")],
     "3D 프린터, 레이저 커터를 쓸 수 있는 공방이에요. 처음이면 안전 교육을 먼저 받아요.",
     "A workshop with 3D printers and a laser cutter. First-timers take a short safety class."),
    ("성수동 헤이그라운드", "헤이그라운드 성수 비영리 지원석",
     "Heyground Seongsu desks for nonprofits",
     "성수 소셜벤처 공유오피스", "Seongsu social venture office", 20, _pp(5000, 480),
     [("mon-fri", "08:00", "22:00")],
     "성수동 소셜벤처 건물의 공유 좌석을 비영리단체에 싸게 빌려 드려요. 하루 5,000원.",
     "Shared desks in a Seongsu social-venture building, lent cheaply to nonprofits. 5,000 won "
     "a day."),
    ("성수동 헤이그라운드", "성수 소셜벤처 공유 회의 테이블", "Seongsu social venture meeting table",
     "성수 소셜벤처 공유오피스", "Seongsu social venture office", 8, _pp(2000, 60),
     [("mon-fri", "09:00", "20:00")],
     "라운지의 큰 테이블이에요. 짧은 팀 작업에 좋아요.",
     "A big table in the lounge. Good for short team work sessions."),
    ("성수", "성수동 비영리 코워킹 스페이스", "Seongsu nonprofit coworking space",
     "성동구 사회적경제지원센터", "Seongdong-gu Social Economy Center", 24, None,
     [("mon-fri", "09:00", "18:00")],
     "성동구의 비영리단체와 협동조합이 무료로 쓰는 공유 사무실이에요.",
     "A free shared office for nonprofits and co-ops in Seongdong-gu."),
    ("성수동 수제화거리", "성수 수제화 공유 작업대", "Seongsu shoemakers' shared workbench",
     "성동구 수제화협동조합", "Seongdong Shoemakers' Co-op", 6, _pp(4000, 240),
     [("mon-sat", "09:00", "19:00")],
     "수제화 장인과 청년 공방이 함께 쓰는 작업대예요. 기본 공구가 있어요.",
     "Workbenches shared by master shoemakers and young makers. Basic tools are provided."),
    ("서울시NPO지원센터", "서울시NPO지원센터 공유사무실", "Seoul NPO Center shared office",
     "서울시NPO지원센터", "Seoul NPO Center", 40, None, [("mon-fri", "09:00", "21:00")],
     "작은 비영리단체를 위한 공유사무실이에요. 우편물도 받아 드려요.",
     "A shared office for small nonprofits. They can receive your mail, too."),
    ("을지로3가", "을지로 나눔오피스", "Euljiro sharing office",
     "을지로 도시재생지원센터", "Euljiro Urban Regeneration Center", 18, _pp(3000, 240),
     [("mon-fri", "09:00", "20:00")],
     "을지로 골목 오래된 건물 3층의 공유오피스예요. 비영리단체는 반값이에요.",
     "A shared office on the 3rd floor of an old Euljiro building. Nonprofits pay half."),
    ("을지로4가", "을지로 공구거리 메이커 작업실", "Euljiro tool street maker room",
     "을지로 도시재생지원센터", "Euljiro Urban Regeneration Center", 8, _pp(5000, 120),
     [("mon-sat", "10:00", "19:00")],
     "을지로 공구 상가 장인들과 함께 쓰는 제작실이에요. 금속과 목공 작업을 할 수 있어요.",
     "A making room shared with the craftsmen of the Euljiro tool shops. Metal and wood work "
     "is possible."),
    ("문래창작촌", "문래창작촌 예술가 공유작업실", "Mullae Art Village shared studio",
     "영등포문화재단", "Yeongdeungpo Cultural Foundation", 12, _pp(10000, 480),
     [("all", "10:00", "22:00")],
     "철공소 골목 안 예술가 작업실이에요. 하루 단위로 빌릴 수 있어요.",
     "An artists' studio inside the metalwork alleys. Rent it by the day."),
    ("문래창작촌", "문래동 비영리 공유데스크", "Mullae-dong nonprofit desks",
     "영등포구 마을자치센터", "Yeongdeungpo-gu Village Center", 10, None,
     [("mon-fri", "09:00", "18:00")],
     "마을 활동가와 비영리단체를 위한 무료 책상이에요.",
     "Free desks for neighborhood activists and nonprofits."),
    ("창신동 봉제거리", "창신동 봉제 공유작업실", "Changsin-dong sewing workroom",
     "창신동 봉제마을 협동조합", "Changsin-dong Sewing Co-op", 8, _pp(3000, 240),
     [("mon-sat", "09:00", "19:00")],
     "공업용 미싱이 있는 작업실이에요. 봉제 장인에게 배울 수도 있어요.",
     "A workroom with industrial sewing machines. You can also learn from master tailors."),
    ("무중력지대 대방동", "무중력지대 대방동 코워킹", "Zero-Gravity Zone Daebang coworking",
     "서울시 청년활동지원센터", "Seoul Youth Center", 30, None, [("tue-sat", "10:00", "22:00")],
     "청년 누구나 쓸 수 있는 무료 코워킹 공간이에요.",
     "A free coworking space for any young person."),
    ("가산디지털단지", "G밸리 비영리 공유오피스", "G Valley nonprofit shared office",
     "금천구 사회적경제지원센터", "Geumcheon-gu Social Economy Center", 20, _pp(2000, 240),
     [("mon-fri", "09:00", "20:00")],
     "가산디지털단지역 근처 공유오피스예요. 비영리단체와 협동조합 전용.",
     "A shared office near Gasan Digital Complex Station, for nonprofits and co-ops only."),
    ("서울빅데이터캠퍼스", "서울빅데이터캠퍼스 데이터 분석석", "Seoul Big Data Campus analysis desks",
     "서울빅데이터캠퍼스", "Seoul Big Data Campus", 20, None, [("mon-fri", "09:00", "18:00")],
     "서울시 데이터를 분석할 수 있는 컴퓨터 자리예요. 신분증을 가져오세요.",
     "Computer desks for analysing Seoul city data. Please bring an ID card."),
    ("서울시50플러스 중부캠퍼스", "50플러스 중부캠퍼스 커뮤니티 오피스",
     "50 Plus Central Campus community office",
     "서울시50플러스재단", "Seoul 50 Plus Foundation", 16, None, [("mon-fri", "09:00", "18:00")],
     "50대 이상이 만든 단체와 모임이 함께 쓰는 사무실이에요.",
     "An office shared by groups started by people aged 50 and over."),
    ("서울시50플러스 북부캠퍼스", "50플러스 북부캠퍼스 공유 사무실",
     "50 Plus North Campus shared office",
     "서울시50플러스재단", "Seoul 50 Plus Foundation", 12, None, [("mon-fri", "09:00", "18:00")],
     "은퇴 후 새 일을 준비하는 분들의 공유 사무실이에요.",
     "A shared office for people preparing new work after retirement."),
    ("성미산마을", "성미산마을 공유 사무실", "Seongmisan Village shared office",
     "성미산마을 공동체", "Seongmisan Village community", 10, _pp(2000, 240),
     [("mon-fri", "09:00", "19:00")],
     "마을 협동조합들이 함께 쓰는 작은 사무실이에요.",
     "A small office shared by the village co-ops."),
    ("망원", "망원동 마을 공유 작업실", "Mangwon-dong village workroom",
     "망원동 마을공동체", "Mangwon-dong community group", 8, None,
     [("mon-sat", "10:00", "20:00")],
     "망원역 근처 마을 활동가들의 공유 작업실이에요. 노트북만 가져오세요.",
     "A shared workroom for neighborhood activists near Mangwon Station. Just bring a laptop."),
    ("장위동 마을활력소", "장위동 마을활력소 공유 책상", "Jangwi-dong Village Hub shared desks",
     "장위동 마을활력소", "Jangwi-dong Village Hub", 6, None, [("mon-fri", "10:00", "18:00")],
     "마을 일을 하는 분들이 무료로 쓰는 책상이에요.",
     "Free desks for people doing work for the neighborhood."),
    ("창동", "창동 비영리 공유오피스", "Changdong nonprofit shared office",
     "도봉구 사회적경제지원센터", "Dobong-gu Social Economy Center", 14, _pp(2000, 240),
     [("mon-fri", "09:00", "20:00")],
     "창동역 근처 비영리단체 공유오피스예요. 회의실을 함께 써요.",
     "A nonprofit shared office near Changdong Station, with a shared meeting room."),
    ("구로디지털단지", "구로 사회적경제 공유오피스", "Guro social economy shared office",
     "구로구 사회적경제지원센터", "Guro-gu Social Economy Center", 18, None,
     [("mon-fri", "09:00", "18:00")],
     "사회적기업과 비영리단체가 무료로 쓰는 공유오피스예요.",
     "A free shared office for social enterprises and nonprofits."),
    ("신림", "신림동 청년 비영리 작업실", "Sillim-dong youth nonprofit workroom",
     "관악구 청년청", "Gwanak-gu Youth Hub", 12, None, [("mon-sat", "10:00", "21:00")],
     "청년이 만든 비영리단체를 위한 작업실이에요.",
     "A workroom for nonprofits started by young people."),
    ("잠실새내", "송파 비영리 공유데스크", "Songpa nonprofit desks",
     "송파구 사회적경제지원센터", "Songpa-gu Social Economy Center", 10, _pp(3000, 480),
     [("mon-fri", "09:00", "19:00")],
     "하루 단위로 빌리는 공유 책상이에요. 사물함도 있어요.",
     "Shared desks by the day, with lockers."),
]


def WORKSPACES(ctx):
    anchors, placer, rng, add = ctx["anchors"], ctx["placer"], ctx["rng"], ctx["add"]
    for (key, ko, en, oko, oen, cap, pricing, slots, dko, den) in WORKSPACE_LIST:
        a = anchors[key]
        add("workspace", a, {"ko": ko, "en": en}, {"ko": dko, "en": den},
            placer.near(a, 20, 250, ko), ctx["road_address"](a, rng.randint(5, 300)),
            {"ko": oko, "en": oen}, pricing or {"type": "free"}, capacity=cap,
            sched=ctx["schedule"](*slots))


# --- tool library --------------------------------------------------------------------

# (name ko, name en, price or 0, units, note ko, note en)
TOOL_ITEMS = [
    ("전동드릴", "Power drill", 1000, 2, "드릴 날 세트가 함께 있어요.", "Comes with a set of drill bits."),
    ("접이식 사다리 (2m)", "Folding ladder (2 m)", 1000, 1,
     "혼자 들 수 있는 알루미늄 사다리예요.", "A light aluminium ladder one person can carry."),
    ("캠핑 텐트 (4인용)", "Camping tent (4 people)", 3000, 2,
     "치는 법을 그림으로 넣어 두었어요.", "Picture instructions are in the bag."),
    ("재봉틀", "Sewing machine", 2000, 1,
     "가정용 재봉틀이에요. 실과 바늘은 가져오세요.",
     "A home sewing machine. Please bring your own thread and needles."),
    ("기본 공구 세트", "Basic tool kit", 0, 3,
     "망치, 드라이버, 펜치, 줄자가 들어 있어요.", "Hammer, screwdrivers, pliers and tape measure."),
    ("고압 세척기", "Pressure washer", 3000, 1,
     "베란다나 자동차 청소에 좋아요.", "Good for cleaning balconies or cars."),
    ("전동 드라이버", "Electric screwdriver", 1000, 2,
     "가구 조립할 때 편해요.", "Handy for putting furniture together."),
    ("접이식 테이블과 의자", "Folding table and chairs", 2000, 2,
     "테이블 1개, 의자 6개 한 세트예요.", "One table and six chairs per set."),
    ("캠핑 의자 4개", "Camping chairs (set of 4)", 1000, 2,
     "공원 나들이에 가져가세요.", "Take them on a picnic in the park."),
    ("아이스박스", "Cooler box", 0, 3, "40리터 크기예요.", "Holds 40 liters."),
    ("운반 카트", "Hand cart", 0, 2,
     "이사나 김장 때 무거운 짐을 옮겨요.", "For moving heavy things, like on moving day or kimchi day."),
    ("타카 (스테이플 건)", "Staple gun", 1000, 1,
     "심은 한 통 들어 있어요.", "Comes with one box of staples."),
    ("페인트 롤러 세트", "Paint roller set", 1000, 2,
     "롤러, 붓, 트레이가 있어요. 페인트는 따로 사세요.",
     "Roller, brushes and tray. Buy the paint yourself."),
    ("전선 릴 (20m)", "Extension reel (20 m)", 0, 2,
     "야외 행사에 쓰기 좋아요.", "Useful for outdoor events."),
    ("자전거 공기 펌프", "Bike pump", 0, 2,
     "대부분의 자전거 바퀴에 맞아요.", "Fits most bike valves."),
    ("스팀 다리미", "Steam iron", 1000, 1, "면접 가기 전에 쓰세요.", "Good before a job interview."),
    ("예초기", "Grass trimmer", 3000, 1,
     "충전식이라 조용해요. 보안경을 꼭 쓰세요.", "Battery-powered and quiet. Always wear the goggles."),
    ("전동 실톱", "Electric jigsaw", 2000, 1,
     "나무를 곡선으로 자를 수 있어요.", "Cuts curves in wood."),
    ("방충망 수리 도구", "Window screen repair kit", 0, 2,
     "여름 전에 방충망을 고쳐 보세요.", "Fix your window screens before summer."),
    ("카펫 청소기", "Carpet cleaner", 3000, 1,
     "물로 빨아내는 청소기예요.", "A wet-wash cleaner for rugs and carpets."),
    ("빔프로젝터", "Projector", 3000, 1,
     "스크린도 같이 빌려 드려요.", "Comes with a screen."),
    ("돗자리와 그늘막", "Picnic mat and sunshade", 0, 3,
     "한강공원 나들이용이에요.", "For a day out at a Hangang park."),
]
# (anchor of the community center, tool indexes)
TOOL_LIBRARIES = [
    ("망원2동 주민센터", [0, 1, 3]),
    ("연희동 사러가시장", [4, 6]),
    ("창신동 봉제거리", [3, 11]),
    ("후암동 주민센터", [8, 12]),
    ("행당", [0, 5]),
    ("면목동 동원시장", [10, 7]),
    ("장위동 마을활력소", [16, 13]),
    ("번동 주민센터", [2, 9]),
    ("공릉", [17, 14]),
    ("응암", [15, 18]),
    ("신월동 주민센터", [19, 1]),
    ("개봉", [20, 4]),
    ("시흥동 은행나무 쉼터", [0, 10]),
    ("신길", [21, 12]),
    ("난곡동 주민센터", [6, 2]),
    ("마천", [5, 8]),
]


def TOOLS(ctx):
    anchors, placer, rng, add = ctx["anchors"], ctx["placer"], ctx["rng"], ctx["add"]
    for key, items in TOOL_LIBRARIES:
        a = anchors[key]
        center = _center(a)
        lib_ko = f"{a.dong.ko} 공구도서관"
        lib_en = f"{a.text('neighborhood')['en']} Tool Library"
        loc = placer.near(a, 30, 250, lib_ko)  # all items of a library share its spot
        number = rng.randint(5, 180)
        slots = [("mon-fri", "09:00", "18:00")]
        for idx in items:
            ko, en, price, units, nko, nen = TOOL_ITEMS[idx]
            if price:
                pk = f"한 번 빌리는 데 {price:,}원"
                pe = f"{price:,} won per loan"
                pricing = {"type": "per_use", "amount_krw": price}
            else:
                pk, pe, pricing = "무료", "free", {"type": "free"}
            add("tool", a, {"ko": f"{ko} · {lib_ko}", "en": f"{en} – {lib_en}"},
                {"ko": f"{center['ko']} 공구도서관에서 빌려요. {nko} {pk}, 최대 3일. "
                       f"신분증을 가져오세요.",
                 "en": f"Borrow it from the tool library at the {center['en']}. {nen} "
                       f"{pe[0].upper() + pe[1:]}, up to 3 days. Please bring an ID card."},
                loc, ctx["road_address"](a, number, center["ko"], center["en"]), center,
                pricing, capacity=units, sched=ctx["schedule"](*slots))


# --- car sharing (나눔카) ----------------------------------------------------------------

CAR_MODELS = [
    ("레이", "Kia Ray", 5, 2000), ("캐스퍼", "Hyundai Casper", 4, 2000),
    ("아반떼", "Hyundai Avante", 5, 2400), ("코나 일렉트릭", "Kona Electric", 5, 2600),
    ("아이오닉 5", "IONIQ 5", 5, 2900), ("니로 EV", "Niro EV", 5, 2600),
    ("카니발", "Kia Carnival", 9, 3000), ("쏘나타", "Hyundai Sonata", 5, 2700),
]
CAR_ZONES = [
    ("망원", "공영주차장", "public parking lot"), ("공덕", "공영주차장", "public parking lot"),
    ("신촌", "주차장", "parking lot"), ("광화문", "공영주차장", "public parking lot"),
    ("충무로", "공영주차장", "public parking lot"), ("용산", "환승주차장", "park-and-ride"),
    ("왕십리", "환승주차장", "park-and-ride"), ("건대입구", "공영주차장", "public parking lot"),
    ("청량리", "공영주차장", "public parking lot"), ("상봉", "환승주차장", "park-and-ride"),
    ("길음", "공영주차장", "public parking lot"), ("미아사거리", "공영주차장", "public parking lot"),
    ("창동", "환승주차장", "park-and-ride"), ("노원", "공영주차장", "public parking lot"),
    ("연신내", "공영주차장", "public parking lot"), ("발산", "공영주차장", "public parking lot"),
    ("마곡나루", "공영주차장", "public parking lot"), ("목동", "공영주차장", "public parking lot"),
    ("신도림", "환승주차장", "park-and-ride"), ("가산디지털단지", "공영주차장", "public parking lot"),
    ("당산", "공영주차장", "public parking lot"), ("여의도", "공영주차장", "public parking lot"),
    ("노량진", "공영주차장", "public parking lot"), ("서울대입구", "공영주차장", "public parking lot"),
    ("양재", "환승주차장", "park-and-ride"), ("고속터미널", "주차장", "parking lot"),
    ("선릉", "공영주차장", "public parking lot"), ("수서", "환승주차장", "park-and-ride"),
    ("문정", "공영주차장", "public parking lot"), ("천호", "공영주차장", "public parking lot"),
]


def CARS(ctx):
    anchors, placer, rng, add = ctx["anchors"], ctx["placer"], ctx["rng"], ctx["add"]
    owner = {"ko": "서울시 나눔카", "en": "Seoul Nanum Car (car sharing)"}
    for i, (key, lot_ko, lot_en) in enumerate(CAR_ZONES):
        a = anchors[key]
        mko, men, seats, price = CAR_MODELS[(i * 3 + rng.randrange(2)) % len(CAR_MODELS)]
        ev = "일렉트릭" in mko or "EV" in mko or "아이오닉" in mko
        name = {"ko": f"나눔카 {mko} · {a.label_ko} {lot_ko}",
                "en": f"Nanum Car {men} – {a.label_en} {lot_en}"}
        extra_ko = " 전기차라 주차장에서 바로 충전할 수 있어요." if ev else ""
        extra_en = " It is electric and can charge right at the lot." if ev else ""
        desc = {
            "ko": f"서울시 나눔카(공유 자동차)예요. {mko} {seats}인승. 10분에 {price:,}원, "
                  f"주행 요금은 따로 내요.{extra_ko} 빌린 자리에 다시 반납해 주세요.",
            "en": f"A Seoul Nanum Car (shared car): {men}, {seats} seats. {price:,} won per 10 "
                  f"minutes plus a mileage fee.{extra_en} Please return it to the same lot.",
        }
        add("car", a, name, desc, placer.near(a, 60, 300, name["ko"]),
            ctx["road_address"](a, rng.randint(5, 300), lot_ko, lot_en), owner,
            {"type": "per_period", "amount_krw": price, "period_minutes": 10}, capacity=seats)


# --- group meals (공유부엌, 마을식당) ------------------------------------------------------

# (anchor, name ko, name en, owner ko, owner en, price, capacity, slots, desc ko, desc en)
MEAL_LIST = [
    ("망원시장", "망원시장 공유부엌 '함께 밥상'", "Mangwon Market shared kitchen 'Table Together'",
     "망원시장 상인회", "Mangwon Market Merchants' Association", 5000, 20,
     [("tue,thu", "11:30", "13:30")],
     "망원시장 상인들이 시장에서 산 재료로 점심을 차려요. 혼자 사는 어르신도, 젊은 이웃도 "
     "함께 먹어요.",
     "Mangwon Market vendors cook lunch with food from the market. Seniors who live alone and "
     "young neighbors eat together."),
    ("망원2동 주민센터", "망원동 1인가구 저녁 밥상", "Mangwon-dong dinner for people living alone",
     "망원동 마을부엌 모임", "Mangwon-dong village kitchen group", 4000, 12,
     [("wed", "18:30", "20:30")],
     "혼자 사는 이웃끼리 저녁을 같이 지어 먹어요. 처음 와도 괜찮아요.",
     "Neighbors who live alone cook and eat dinner together. First-timers are welcome."),
    ("성미산마을", "성미산마을 마을식당", "Seongmisan Village diner",
     "성미산마을 공동체", "Seongmisan Village community", 6000, 30,
     [("mon-fri", "11:30", "14:00")],
     "마을 협동조합이 운영하는 식당이에요. 유기농 채소로 매일 반찬이 바뀌어요.",
     "A diner run by the village co-op. Organic vegetables, and the side dishes change daily."),
    ("창신동 봉제거리", "창신동 봉제마을 점심 밥상", "Changsin-dong sewing village lunch",
     "창신동 봉제마을 협동조합", "Changsin-dong Sewing Co-op", 4000, 25,
     [("mon-fri", "12:00", "13:00")],
     "봉제 공장에서 일하는 분들과 주민이 함께 먹는 점심이에요.",
     "Lunch shared by the sewing workshop workers and residents."),
    ("서울중앙시장", "중앙시장 공유부엌 요리 교실", "Jungang Market shared kitchen cooking class",
     "중구 마을공동체지원센터", "Jung-gu Community Support Center", 6000, 10,
     [("sat", "10:00", "13:00")],
     "시장 재료로 함께 요리하고 나눠 먹어요. 앞치마를 가져오세요.",
     "Cook together with market ingredients, then share the meal. Please bring an apron."),
    ("후암동 주민센터", "후암동 어르신 함께 점심", "Huam-dong lunch with seniors",
     "후암동 주민자치회", "Huam-dong Residents' Council", 3000, 20,
     [("mon,wed,fri", "11:30", "13:00")],
     "동네 어르신과 이웃이 함께 먹는 따뜻한 점심이에요. 계단이 없어 오기 편해요.",
     "A warm lunch for seniors and neighbors. No stairs, so it is easy to get in."),
    ("면목동 동원시장", "동원시장 마을부엌 반찬 나눔", "Dongwon Market village kitchen side dishes",
     "면목동 마을부엌", "Myeonmok-dong village kitchen", 3000, 15,
     [("thu", "14:00", "17:00")],
     "함께 반찬을 만들고 한 통씩 나눠 가져가요.",
     "Make side dishes together and take a box home."),
    ("정릉시장", "정릉시장 공유부엌 저녁", "Jeongneung Market shared kitchen dinner",
     "정릉시장 상인회", "Jeongneung Market Merchants' Association", 5000, 16,
     [("fri", "18:00", "20:00")],
     "금요일 저녁마다 시장 공유부엌에서 밥을 나눠요.",
     "Every Friday evening, dinner is shared in the market's kitchen."),
    ("번동 주민센터", "번동 경로당 점심 나눔", "Beon-dong senior center lunch",
     "번동 주민자치회", "Beon-dong Residents' Council", 3000, 30,
     [("mon-fri", "11:30", "13:00")],
     "경로당에서 어르신과 이웃이 함께 점심을 먹어요. 부드러운 반찬이 많아요.",
     "Seniors and neighbors have lunch together at the senior center. Many soft side dishes."),
    ("쌍문", "쌍문동 공유부엌 가족 밥상", "Ssangmun-dong family table",
     "도봉구 마을공동체지원센터", "Dobong-gu Community Support Center", 5000, 20,
     [("sat", "12:00", "14:00")],
     "아이와 함께 오는 가족 밥상이에요. 아이는 무료예요.",
     "A family lunch; come with your children. Children eat free."),
    ("하계", "중계동 1인가구 공유부엌", "Junggye-dong shared kitchen for singles",
     "노원구 1인가구지원센터", "Nowon-gu Single Household Center", 4000, 12,
     [("tue", "18:30", "20:30")],
     "혼자 사는 분들이 함께 요리하고 먹는 저녁 모임이에요.",
     "An evening where people who live alone cook and eat together."),
    ("불광", "불광동 마을식당 점심", "Bulgwang-dong village diner lunch",
     "은평구 사회적협동조합 '밥心'", "Eunpyeong social co-op 'Bapsim'", 5000, 24,
     [("mon-fri", "11:30", "13:30")],
     "동네 엄마들이 차리는 집밥 점심이에요.",
     "Home-style lunch cooked by neighborhood parents."),
    ("화곡", "화곡동 함께 밥상", "Hwagok-dong table together",
     "강서구 마을공동체지원센터", "Gangseo-gu Community Support Center", 4000, 18,
     [("wed,fri", "12:00", "13:30")],
     "주민이 돌아가며 요리하는 점심 밥상이에요.",
     "A lunch table where residents take turns cooking."),
    ("문래창작촌", "문래 예술가 공유부엌 저녁", "Mullae artists' shared kitchen dinner",
     "영등포문화재단", "Yeongdeungpo Cultural Foundation", 6000, 15,
     [("thu", "19:00", "21:00")],
     "예술가와 주민이 함께 만드는 저녁이에요. 작은 공연이 열리기도 해요.",
     "Dinner made by artists and residents together. Sometimes there is a small performance."),
    ("신원시장", "신원시장 청년 공유부엌", "Sinwon Market youth shared kitchen",
     "관악구 청년청", "Gwanak-gu Youth Hub", 3000, 10,
     [("mon,wed", "19:00", "21:00")],
     "자취하는 청년들이 시장 재료로 저녁을 해 먹어요.",
     "Young people living on their own cook dinner with market ingredients."),
    ("상도", "상도동 마을부엌 점심", "Sangdo-dong village kitchen lunch",
     "동작구 마을공동체지원센터", "Dongjak-gu Community Support Center", 4000, 20,
     [("tue,thu", "11:30", "13:30")],
     "동네 부엌에서 만든 한식 점심이에요. 국과 밥은 더 드려요.",
     "A Korean lunch from the neighborhood kitchen. Extra soup and rice on request."),
    ("가락시장", "가락시장 나눔 밥상", "Garak Market shared table",
     "송파구 마을공동체지원센터", "Songpa-gu Community Support Center", 5000, 30,
     [("sat", "11:30", "13:30")],
     "가락시장의 제철 재료로 만든 토요일 점심이에요.",
     "A Saturday lunch made with seasonal food from Garak Market."),
    ("암사", "암사동 공유부엌 반찬 교실", "Amsa-dong shared kitchen side-dish class",
     "강동구 마을공동체지원센터", "Gangdong-gu Community Support Center", 5000, 12,
     [("wed", "10:00", "12:30")],
     "쉬운 반찬 만들기를 배우고 함께 먹어요.",
     "Learn to make easy side dishes, then eat together."),
    ("개봉", "개봉동 어르신 밥상", "Gaebong-dong seniors' table",
     "구로구 마을공동체지원센터", "Guro-gu Community Support Center", 3000, 25,
     [("mon,thu", "11:30", "13:00")],
     "어르신을 위한 싱겁고 부드러운 점심이에요. 이웃도 함께할 수 있어요.",
     "A mild, soft lunch made for seniors. Neighbors can join too."),
    ("일원", "일원동 공유부엌 저녁 모임", "Irwon-dong shared kitchen evening",
     "강남구 마을공동체지원센터", "Gangnam-gu Community Support Center", 6000, 8,
     [("fri", "18:30", "21:00")],
     "여덟 명이 둘러앉아 저녁을 지어 먹는 작은 모임이에요.",
     "A small group of eight cooks and eats dinner around one table."),
]


def MEALS(ctx):
    anchors, placer, rng, add = ctx["anchors"], ctx["placer"], ctx["rng"], ctx["add"]
    for (key, ko, en, oko, oen, price, cap, slots, dko, den) in MEAL_LIST:
        a = anchors[key]
        wk, we = when(slots)
        add("meal", a, {"ko": ko, "en": en},
            {"ko": f"{dko} {wk}, 한 끼 {price:,}원.",
             "en": f"{den} {we[0].upper() + we[1:]}, {price:,} won a meal."},
            placer.near(a, 20, 200, ko), ctx["road_address"](a, rng.randint(5, 250)),
            {"ko": oko, "en": oen}, {"type": "per_use", "amount_krw": price}, capacity=cap,
            sched=ctx["schedule"](*slots))


# --- adaptive and cargo bikes ------------------------------------------------------------

BIKE_LIST = [
    ("보라매공원", "어르신 세발자전거", "Tricycle for seniors", "동작구청", "Dongjak-gu Office",
     _pp(1000, 60), 1, [("all", "09:00", "18:00")],
     "넘어질 걱정이 적은 세발자전거예요. 공원 안에서만 타요.",
     "A three-wheeled bike, so you are less likely to fall. For riding inside the park."),
    ("성미산마을", "화물자전거 (카고바이크)", "Cargo bike", "성미산마을 공동체",
     "Seongmisan Village community", _pp(2000, 60), 1, [("mon-sat", "09:00", "19:00")],
     "장보기와 짐 나르기에 좋은 앞바구니 자전거예요. 50kg까지 실어요.",
     "A bike with a big front box for shopping and carrying things. Up to 50 kg."),
    ("여의도공원", "2인용 탠덤 자전거", "Tandem bike for two", "영등포구청", "Yeongdeungpo-gu Office",
     _pp(3000, 60), 2, [("all", "09:00", "20:00")],
     "두 사람이 같이 타는 자전거예요. 눈이 불편한 분도 함께 탈 수 있어요.",
     "A bike for two riders. A person with low vision can ride with a partner."),
    ("서울숲 정문", "아이 좌석 자전거", "Bike with a child seat", "성동구청", "Seongdong-gu Office",
     _pp(2000, 60), 1, [("all", "09:00", "19:00")],
     "뒤에 어린이 좌석이 달린 자전거예요. 아이 헬멧도 빌려 드려요.",
     "A bike with a child seat on the back. A child's helmet is lent too."),
    ("올림픽공원", "손으로 타는 핸드바이크", "Hand-powered bike (handbike)", "송파구청",
     "Songpa-gu Office", {"type": "free"}, 1, [("tue-sun", "10:00", "17:00")],
     "다리가 불편한 분이 손으로 페달을 돌려 타는 자전거예요. 무료.",
     "A bike you pedal with your hands, for people who cannot use their legs. Free."),
    ("망원한강공원", "한강 산책용 세발자전거", "Tricycle for Hangang park rides", "마포구청",
     "Mapo-gu Office", _pp(1000, 60), 1, [("all", "10:00", "19:00")],
     "망원한강공원에서 천천히 타는 세발자전거예요.",
     "A tricycle for slow rides in Mangwon Hangang Park."),
]


def BIKES(ctx):
    anchors, placer, rng, add = ctx["anchors"], ctx["placer"], ctx["rng"], ctx["add"]
    for (key, ko, en, oko, oen, pricing, cap, slots, dko, den) in BIKE_LIST:
        a = anchors[key]
        full_ko, full_en = f"{ko} · {a.label_ko}", f"{en} – {a.label_en}"
        add("bike", a, {"ko": full_ko, "en": full_en}, {"ko": dko, "en": den},
            placer.near(a, 20, 200, full_ko), ctx["road_address"](a, rng.randint(5, 200)),
            {"ko": oko, "en": oen}, pricing, capacity=cap, sched=ctx["schedule"](*slots))


# --- everything else ---------------------------------------------------------------

OTHER_LIST = [
    ("시청", "공유우산 · 시청역", "Shared umbrellas – City Hall Stn.", "서울특별시",
     "Seoul Metropolitan Government", {"type": "free"}, 30, None,
     "비 오는 날 빌려 쓰는 우산이에요. 3일 안에 아무 지하철역 우산함에 돌려주세요.",
     "Umbrellas to borrow on rainy days. Return within 3 days to the umbrella stand at any "
     "subway station."),
    ("강남", "공유우산 · 강남역", "Shared umbrellas – Gangnam Stn.", "강남구청",
     "Gangnam-gu Office", {"type": "free"}, 40, None,
     "갑자기 비가 올 때 빌려 가세요. 다음에 지나갈 때 돌려주면 돼요.",
     "Borrow one when rain surprises you. Bring it back next time you pass."),
    ("서울숲 정문", "공유 유모차 · 서울숲", "Shared strollers – Seoul Forest Park", "성동구청",
     "Seongdong-gu Office", {"type": "free"}, 6, [("all", "09:00", "18:00")],
     "공원 안에서 쓰는 유모차예요. 신분증을 맡기고 빌려요.",
     "Strollers for use inside the park. Leave an ID card while you borrow one."),
    ("어린이대공원 후문", "공유 유모차 · 어린이대공원", "Shared strollers – Children's Grand Park",
     "광진구청", "Gwangjin-gu Office", {"type": "free"}, 8, [("all", "09:00", "18:00")],
     "어린이대공원 후문 안내소에서 빌려요. 무료.",
     "Borrow one at the info desk by the back gate. Free."),
    ("망원", "공유 유모차 · 망원역", "Shared strollers – Mangwon Stn.", "망원동 육아모임",
     "Mangwon-dong parents' group", {"type": "free"}, 3, [("all", "10:00", "19:00")],
     "망원역 근처 육아 모임이 나눠 쓰는 유모차예요. 망원시장 장 볼 때 빌려 가세요.",
     "Strollers shared by a local parents' group near Mangwon Station. Borrow one for a trip "
     "to Mangwon Market."),
    ("후암동 주민센터", "휠체어 빌려 쓰기 · 후암동", "Wheelchair loan – Huam-dong", "후암동 주민센터",
     "Huam-dong Community Center", {"type": "free"}, 2, [("mon-fri", "09:00", "18:00")],
     "병원 가는 날이나 다리를 다쳤을 때 휠체어를 빌려요. 최대 2주.",
     "Borrow a wheelchair for hospital visits or after an injury. Up to 2 weeks."),
    ("노원", "아이 옷 나눔 옷장 · 노원", "Children's clothes swap closet – Nowon", "노원구청",
     "Nowon-gu Office", {"type": "free"}, 10, [("mon-sat", "10:00", "18:00")],
     "작아진 아이 옷을 놓고 필요한 옷을 가져가요. 깨끗하게 빨아서 가져와 주세요.",
     "Leave clothes your child has outgrown and take what you need. Please bring them washed."),
]


def OTHERS(ctx):
    anchors, placer, rng, add = ctx["anchors"], ctx["placer"], ctx["rng"], ctx["add"]
    for (key, ko, en, oko, oen, pricing, cap, slots, dko, den) in OTHER_LIST:
        a = anchors[key]
        add("other", a, {"ko": ko, "en": en}, {"ko": dko, "en": den},
            placer.near(a, 10, 120, ko), ctx["road_address"](a, rng.randint(5, 200)),
            {"ko": oko, "en": oen}, pricing, capacity=cap,
            sched=ctx["schedule"](*slots) if slots else None)
